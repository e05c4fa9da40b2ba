import type { TenantDb } from '@rosterchirp/db';
import type { Services } from '@rosterchirp/domain';
import { rooms } from '@rosterchirp/protocol';

/** A typing hint per socket and conversation at most this often (clients send one every ~3 s). */
export const TYPING_INTERVAL_MS = 2000;
const PUBLIC_GROUPS_TTL_MS = 30_000;

/**
 * Decides where a `typing` event goes without a query per event: a private group, DM or managed
 * chat must be one of the socket's own rooms (membership joins and leaves follow live); a public
 * channel is looked up in a per-instance, per-tenant list refreshed at most every 30 s. Anything
 * else is dropped. Each socket may announce a conversation once per TYPING_INTERVAL_MS.
 */
export function createTypingRelay(services: Services) {
  const publicGroups = new Map<string, { ids: Promise<Set<number>>; at: number }>();

  function publicIds(db: TenantDb): Promise<Set<number>> {
    const cached = publicGroups.get(db.schema);
    if (cached && Date.now() - cached.at < PUBLIC_GROUPS_TTL_MS) return cached.ids;
    const ids = services.groups.publicGroupIds(db).then((list) => new Set(list));
    ids.catch(() => publicGroups.delete(db.schema));
    publicGroups.set(db.schema, { ids, at: Date.now() });
    return ids;
  }

  return {
    /** A per-socket throttle: true when this socket may announce typing in this group now. */
    throttle() {
      const last = new Map<number, number>();
      return (groupId: number): boolean => {
        const now = Date.now();
        if (now - (last.get(groupId) ?? 0) < TYPING_INTERVAL_MS) return false;
        last.set(groupId, now);
        if (last.size > 200) last.delete(last.keys().next().value as number);
        return true;
      };
    },
    /** The room to tell, or undefined when the socket may not see this conversation. */
    async roomFor(
      db: TenantDb,
      socketRooms: ReadonlySet<string>,
      groupId: number,
    ): Promise<string | undefined> {
      const own = rooms.group(db.schema, groupId);
      if (socketRooms.has(own)) return own;
      return (await publicIds(db)).has(groupId) ? rooms.tenant(db.schema) : undefined;
    },
  };
}

export type TypingRelay = ReturnType<typeof createTypingRelay>;
