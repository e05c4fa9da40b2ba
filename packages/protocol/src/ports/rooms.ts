/** Socket room names: always `{schema}:{type}:{id}` (docs/CLUSTER.md invariant 1). */
export const rooms = {
  tenant: (schema: string) => `${schema}:all`,
  user: (schema: string, userId: number) => `${schema}:user:${userId}`,
  group: (schema: string, groupId: number) => `${schema}:group:${groupId}`,
  session: (schema: string, sessionId: string) => `${schema}:session:${sessionId}`,
  /** The tenant's admins' connections (the live audit log). */
  admins: (schema: string) => `${schema}:admins:all`,
  /** Admins' and managers' connections: they see every event of the schedule. */
  staff: (schema: string) => `${schema}:staff:all`,
};
