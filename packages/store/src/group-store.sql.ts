import type { GroupType } from '@rosterchirp/protocol';
import { toGroup, visibleGroupsSql } from './group-mapping.ts';
import type { GroupStore } from './group-store.ts';
import { toMember } from './message-mapping.ts';

export const sqlGroupStore: GroupStore = {
  async view(db, viewerId, groupId) {
    const { rows } = await db.query(visibleGroupsSql(db.s, 'AND g.id = $2'), [viewerId, groupId]);
    return rows[0] ? toGroup(rows[0]) : null;
  },

  async visible(db, viewerId) {
    const { rows } = await db.query(visibleGroupsSql(db.s), [viewerId]);
    return rows.map(toGroup);
  },

  async access(db, groupId, userId) {
    const { rows } = await db.query<{
      id: number;
      type: GroupType;
      name: string;
      created_by: number | null;
      is_member: boolean;
      readonly: boolean;
    }>(
      // The rule lives in the tenant's group_access() (migration 014): planned once per connection.
      `SELECT id, type, name, created_by, is_member, readonly FROM ${db.s}.group_access($1, $2)`,
      [groupId, userId],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          type: r.type,
          name: r.name,
          createdBy: r.created_by,
          isMember: r.is_member,
          readonly: r.readonly,
        }
      : null;
  },

  async members(db, groupId, isPublic, limit) {
    // A public channel's members are every active person, and the bots that joined it (an
    // incoming webhook's, say) — not every bot of the workspace.
    const { rows } = isPublic
      ? await db.query(
          `SELECT id, name, display_name, handle, avatar_key, role, status, last_online, bot_scopes IS NOT NULL AS bot
           FROM ${db.s}.users u
           WHERE status = 'active'
             AND (bot_scopes IS NULL
                  OR EXISTS (SELECT 1 FROM ${db.s}.group_members gm WHERE gm.group_id = $2 AND gm.user_id = u.id))
           ORDER BY lower(name), id LIMIT $1`,
          [limit, groupId],
        )
      : await db.query(
          `SELECT u.id, u.name, u.display_name, u.handle, u.avatar_key, u.role, u.status, u.last_online,
                  u.bot_scopes IS NOT NULL AS bot
           FROM ${db.s}.group_members gm JOIN ${db.s}.users u ON u.id = gm.user_id
           WHERE gm.group_id = $1 ORDER BY lower(u.name), u.id LIMIT $2`,
          [groupId, limit],
        );
    return rows.map(toMember);
  },

  async memberIds(db, groupId) {
    const { rows } = await db.query<{ user_id: number }>(
      `SELECT user_id FROM ${db.s}.group_members WHERE group_id = $1`,
      [groupId],
    );
    return rows.map((r) => r.user_id);
  },

  async activeNames(db, ids) {
    const { rows } = await db.query<{ id: number; name: string }>(
      `SELECT id, COALESCE(display_name, name) AS name FROM ${db.s}.users WHERE id = ANY($1::int[]) AND status = 'active'`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  },

  async dmRestricted(db, fromUserId, toUserId) {
    const { rowCount } = await db.query(
      `SELECT 1 FROM ${db.s}.dm_restrictions r
       JOIN ${db.s}.user_group_members a ON a.user_group_id = r.from_user_group AND a.user_id = $1
       JOIN ${db.s}.user_group_members b ON b.user_group_id = r.to_user_group AND b.user_id = $2
       LIMIT 1`,
      [fromUserId, toUserId],
    );
    return (rowCount ?? 0) > 0;
  },

  async createDirect(db, creatorId, peerId, key) {
    return db.tx(async (q) => {
      const ins = await q.query<{ id: number }>(
        `INSERT INTO ${db.s}.groups (type, name, created_by, direct_key) VALUES ('direct', '', $1, $2)
         ON CONFLICT (direct_key) DO NOTHING RETURNING id`,
        [creatorId, key],
      );
      if (!ins.rows[0]) return null;
      await q.query(
        `INSERT INTO ${db.s}.group_members (group_id, user_id, role) VALUES ($1, $2, 'member'), ($1, $3, 'member')`,
        [ins.rows[0].id, creatorId, peerId],
      );
      return ins.rows[0].id;
    });
  },

  async directByKey(db, key) {
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM ${db.s}.groups WHERE direct_key = $1`, [
      key,
    ]);
    return rows[0]?.id ?? null;
  },

  async createPublic(db, name, creatorId) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO ${db.s}.groups (type, name, created_by) VALUES ('public', $1, $2) RETURNING id`,
      [name, creatorId],
    );
    return rows[0]!.id;
  },

  async createPrivate(db, name, ownerId, memberIds) {
    return db.tx(async (q) => {
      const { rows } = await q.query<{ id: number }>(
        `INSERT INTO ${db.s}.groups (type, name, created_by) VALUES ('private', $1, $2) RETURNING id`,
        [name, ownerId],
      );
      const groupId = rows[0]!.id;
      await q.query(
        `INSERT INTO ${db.s}.group_members (group_id, user_id, role)
         SELECT $1, uid, CASE WHEN uid = $2 THEN 'owner' ELSE 'member' END FROM unnest($3::int[]) AS uid`,
        [groupId, ownerId, memberIds],
      );
      return groupId;
    });
  },

  async setNotifyLevel(db, userId, groupId, level) {
    await db.query(
      `INSERT INTO ${db.s}.conversation_prefs (user_id, group_id, level) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, group_id) DO UPDATE SET level = EXCLUDED.level`,
      [userId, groupId, level],
    );
  },

  async setChannelLeft(db, userId, groupId, left) {
    await db.query(
      `INSERT INTO ${db.s}.conversation_prefs (user_id, group_id, left_at) VALUES ($1, $2, CASE WHEN $3 THEN now() END)
       ON CONFLICT (user_id, group_id) DO UPDATE SET left_at = EXCLUDED.left_at`,
      [userId, groupId, left],
    );
  },

  async setAvatar(db, groupId, avatarKey) {
    await db.query(`UPDATE ${db.s}.groups SET avatar_key = $2, updated_at = now() WHERE id = $1`, [
      groupId,
      avatarKey,
    ]);
  },

  async rename(db, groupId, name) {
    await db.query(`UPDATE ${db.s}.groups SET name = $2, updated_at = now() WHERE id = $1`, [groupId, name]);
  },

  async addMembers(db, groupId, userIds) {
    const { rows } = await db.query<{ user_id: number }>(
      `INSERT INTO ${db.s}.group_members (group_id, user_id) SELECT $1, unnest($2::int[])
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [groupId, userIds],
    );
    return rows.map((r) => r.user_id);
  },

  async removeMember(db, groupId, userId) {
    const { rows } = await db.query<{ name: string }>(
      `DELETE FROM ${db.s}.group_members gm USING ${db.s}.users u
       WHERE gm.group_id = $1 AND gm.user_id = $2 AND u.id = gm.user_id
       RETURNING COALESCE(u.display_name, u.name) AS name`,
      [groupId, userId],
    );
    return rows[0]?.name ?? null;
  },

  async publicIds(db) {
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM ${db.s}.groups WHERE type = 'public'`);
    return rows.map((r) => r.id);
  },

  async memberGroupIds(db, userId) {
    const { rows } = await db.query<{ group_id: number }>(
      `SELECT gm.group_id FROM ${db.s}.group_members gm JOIN ${db.s}.groups g ON g.id = gm.group_id
       WHERE gm.user_id = $1 AND g.type <> 'public'`,
      [userId],
    );
    return rows.map((r) => r.group_id);
  },
};
