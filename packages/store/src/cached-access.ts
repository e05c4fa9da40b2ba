import type { ChangeNotices, TenantDb } from '@rosterchirp/db';
import type { GroupAccessRow } from './group-store.ts';
import type { LiveSession } from './session-store.ts';
import type { Stores } from './stores.ts';
import { TaggedCache } from './tagged-cache.ts';

export interface AccessCacheOptions {
  /** How long a remembered answer is trusted without asking again (a session may expire meanwhile). */
  ttlMs: number;
  /** The most answers remembered per cache; the oldest is forgotten first. */
  maxEntries: number;
  now?: () => number;
  /** Told of every lookup: which cache, and whether memory answered it. */
  onLookup?: (cache: 'sessions' | 'access', hit: boolean) => void;
}

const userTag = (schema: string, id: number) => `user:${schema}:${id}`;
const groupTag = (schema: string, id: number) => `group:${schema}:${id}`;
/** Every direct chat's answer: "read-only" depends on whether a member was deleted. */
const directTag = (schema: string) => `direct:${schema}`;
const tenantTag = (schema: string) => `tenant:${schema}`;

/**
 * The two questions asked before nearly every request and send — "is this session live, and
 * whose is it?" (`sessions.liveUser`) and "what may this person do with this conversation?"
 * (`groups.access`) — answered from memory when this instance asked recently, so they cost no
 * database round trip (ARCHITECTURE.md, "Cost of a send").
 *
 * They stay right because Postgres tells every instance at commit what changed (migration 014's
 * triggers, received through `notices`): a person (their row, or a session revoked) or a
 * conversation (its row or its members). Their answers go at once. While notices are not being
 * received, nothing is served from memory and everything is forgotten when they resume. This
 * instance's own writes also forget what they touch as soon as they return, so the next request
 * here never sees the old answer, whichever of the notice and the reply arrives first.
 */
export function cacheAccessChecks(
  stores: Stores,
  notices: ChangeNotices,
  options: AccessCacheOptions,
): Stores {
  const now = options.now ?? Date.now;
  const sessionsCache = new TaggedCache<LiveSession>(options.ttlMs, options.maxEntries, options.now);
  const accessCache = new TaggedCache<GroupAccessRow>(options.ttlMs, options.maxEntries, options.now);

  const personChanged = (schema: string, id: number) => {
    sessionsCache.forgetTag(userTag(schema, id));
    accessCache.forgetTag(userTag(schema, id));
    accessCache.forgetTag(directTag(schema));
  };
  const groupChanged = (schema: string, id: number) => accessCache.forgetTag(groupTag(schema, id));
  notices.onNotice((n) => {
    if (n.kind === 'user') personChanged(n.schema, n.id);
    else if (n.kind === 'group') groupChanged(n.schema, n.id);
  });
  notices.onReset(() => {
    sessionsCache.clear();
    accessCache.clear();
  });

  /** A write that forgets what it changed once it returns (failed or not). */
  const forgetting =
    <A extends [TenantDb, ...unknown[]], R>(
      write: (...args: A) => Promise<R>,
      forget: (args: NoInfer<A>) => void,
    ) =>
    async (...args: A): Promise<R> => {
      try {
        return await write(...args);
      } finally {
        forget(args);
      }
    };
  const { sessions, users, totp, groups, userGroups } = stores;
  const person = (db: TenantDb, id: number) => personChanged(db.schema, id);
  const group = (db: TenantDb, id: number) => groupChanged(db.schema, id);
  const managedChats = (db: TenantDb) => accessCache.forgetTag(tenantTag(db.schema));

  return {
    ...stores,
    sessions: {
      ...sessions,
      async liveSession(db, sessionId, userId) {
        const key = `${db.schema}:${sessionId}`;
        const known = notices.live ? sessionsCache.get(key) : undefined;
        const hit = known !== undefined && known.user.id === userId && known.expiresAt.getTime() > now();
        options.onLookup?.('sessions', hit);
        if (hit) return known;
        const tags = [userTag(db.schema, userId)];
        const startedAt = sessionsCache.snapshot(tags);
        const live = await sessions.liveSession(db, sessionId, userId);
        if (live && notices.live) sessionsCache.set(key, live, tags, startedAt);
        return live;
      },
      // Opening a session displaces the person's live one of the same device class.
      open: forgetting(sessions.open.bind(sessions), ([db, session]) => person(db, session.userId)),
      revokeOne: forgetting(sessions.revokeOne.bind(sessions), ([db, , userId]) => person(db, userId)),
      revokeAll: forgetting(sessions.revokeAll.bind(sessions), ([db, userId]) => person(db, userId)),
    },
    users: {
      ...users,
      update: forgetting(users.update.bind(users), ([db, id]) => person(db, id)),
      updateProfile: forgetting(users.updateProfile.bind(users), ([db, id]) => person(db, id)),
      setPassword: forgetting(users.setPassword.bind(users), ([db, id]) => person(db, id)),
      setStatus: forgetting(users.setStatus.bind(users), ([db, id]) => person(db, id)),
      scrub: forgetting(users.scrub.bind(users), ([db, id]) => person(db, id)),
    },
    totp: {
      ...totp,
      enable: forgetting(totp.enable.bind(totp), ([db, id]) => person(db, id)),
      disable: forgetting(totp.disable.bind(totp), ([db, id]) => person(db, id)),
    },
    groups: {
      ...groups,
      async access(db, groupId, userId) {
        const key = `${db.schema}:${groupId}:${userId}`;
        const known = notices.live ? accessCache.get(key) : undefined;
        options.onLookup?.('access', known !== undefined);
        if (known) return known;
        // Every tag the answer may be stored under is watched from before the question.
        const tags = [
          groupTag(db.schema, groupId),
          userTag(db.schema, userId),
          tenantTag(db.schema),
          directTag(db.schema),
        ];
        const startedAt = accessCache.snapshot(tags);
        const row = await groups.access(db, groupId, userId);
        if (row && notices.live) {
          accessCache.set(key, row, row.type === 'direct' ? tags : tags.slice(0, 3), startedAt);
        }
        return row;
      },
      rename: forgetting(groups.rename.bind(groups), ([db, id]) => group(db, id)),
      addMembers: forgetting(groups.addMembers.bind(groups), ([db, id]) => group(db, id)),
      removeMember: forgetting(groups.removeMember.bind(groups), ([db, id]) => group(db, id)),
    },
    userGroups: {
      ...userGroups,
      create: forgetting(userGroups.create.bind(userGroups), ([db]) => managedChats(db)),
      update: forgetting(userGroups.update.bind(userGroups), ([db]) => managedChats(db)),
      remove: forgetting(userGroups.remove.bind(userGroups), ([db]) => managedChats(db)),
      syncChatMembers: forgetting(userGroups.syncChatMembers.bind(userGroups), ([db]) => managedChats(db)),
    },
  };
}
