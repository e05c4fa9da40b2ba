import type { TenantDb } from '@rosterchirp/db';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import type { Actor } from './context.ts';
import type { GroupService } from './group-service.ts';

/** A typing hint per connection and conversation at most this often (clients send one every ~2.5 s). */
export const TYPING_INTERVAL_MS = 2000;
const PUBLIC_GROUPS_TTL_MS = 30_000;

/** What the typing service needs to know of the connection the hint came from. */
export interface TypingConnection {
  /** The rooms the connection is in (membership joins and leaves follow live). */
  rooms: ReadonlySet<string>;
  /** Per-connection memory for the throttle; made by `typing.throttleState()`. */
  throttle: Map<number, number>;
}

/**
 * Typing hints without a database query per event: a private group, DM or managed chat must be
 * one of the connection's own rooms; a public channel is looked up in a per-instance, per-tenant
 * list refreshed at most every 30 s. Anything else is dropped. A connection may announce a
 * conversation once per TYPING_INTERVAL_MS; the hint goes to everyone there but the sender's
 * own session.
 */
export function createTypingService(deps: {
  bus: EventBus;
  groups: Pick<GroupService, 'publicGroupIds'>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const publicGroups = new Map<string, { ids: Promise<Set<number>>; at: number }>();

  function publicIds(db: TenantDb): Promise<Set<number>> {
    const cached = publicGroups.get(db.schema);
    if (cached && now() - cached.at < PUBLIC_GROUPS_TTL_MS) return cached.ids;
    const ids = deps.groups.publicGroupIds(db).then((list) => new Set(list));
    ids.catch(() => publicGroups.delete(db.schema));
    publicGroups.set(db.schema, { ids, at: now() });
    return ids;
  }

  function mayAnnounce(connection: TypingConnection, groupId: number): boolean {
    const at = now();
    if (at - (connection.throttle.get(groupId) ?? Number.NEGATIVE_INFINITY) < TYPING_INTERVAL_MS)
      return false;
    connection.throttle.set(groupId, at);
    if (connection.throttle.size > 200)
      connection.throttle.delete(connection.throttle.keys().next().value as number);
    return true;
  }

  return {
    throttleState: () => new Map<number, number>(),

    /** Relays the hint when allowed; returns whether it went out. */
    async announce(
      db: TenantDb,
      actor: Actor,
      connection: TypingConnection,
      groupId: number,
    ): Promise<boolean> {
      if (!mayAnnounce(connection, groupId)) return false;
      const own = rooms.group(db.schema, groupId);
      let room: string | undefined;
      if (connection.rooms.has(own)) room = own;
      else if ((await publicIds(db)).has(groupId)) room = rooms.tenant(db.schema);
      if (!room) return false;
      deps.bus.emit(
        room,
        'typing',
        { groupId, userId: actor.user.id },
        {
          exceptRoom: rooms.session(db.schema, actor.sessionId),
        },
      );
      return true;
    },
  };
}

export type TypingService = ReturnType<typeof createTypingService>;
