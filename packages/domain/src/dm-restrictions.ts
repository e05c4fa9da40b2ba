import type { TenantDb } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';

/** True when a rule forbids `fromUser` starting a direct message with `toUser` (admins never are). */
export async function dmRestricted(db: TenantDb, fromUser: User, toUserId: number): Promise<boolean> {
  if (fromUser.role === 'admin') return false;
  const { rowCount } = await db.query(
    `SELECT 1 FROM ${db.s}.dm_restrictions r
     JOIN ${db.s}.user_group_members a ON a.user_group_id = r.from_user_group AND a.user_id = $1
     JOIN ${db.s}.user_group_members b ON b.user_group_id = r.to_user_group AND b.user_id = $2
     LIMIT 1`,
    [fromUser.id, toUserId],
  );
  return (rowCount ?? 0) > 0;
}
