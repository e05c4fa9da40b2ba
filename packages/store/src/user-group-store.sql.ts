import type { UserGroup } from '@rosterchirp/protocol';
import { isUniqueViolation } from './pg-errors.ts';
import { UserGroupNameTaken, type UserGroupStore } from './user-group-store.ts';

const nameTaken = (err: unknown): never => {
  if (isUniqueViolation(err, 'user_groups_name_key')) throw new UserGroupNameTaken();
  throw err;
};

export const sqlUserGroupStore: UserGroupStore = {
  async list(db, id) {
    const { rows } = await db.query<{
      id: number;
      name: string;
      managed_group_id: number | null;
      member_ids: number[];
    }>(
      `SELECT ug.id, ug.name, ug.managed_group_id,
         COALESCE(array_agg(m.user_id ORDER BY m.user_id) FILTER (WHERE m.user_id IS NOT NULL), '{}') AS member_ids
       FROM ${db.s}.user_groups ug LEFT JOIN ${db.s}.user_group_members m ON m.user_group_id = ug.id
       ${id === undefined ? '' : 'WHERE ug.id = $1'}
       GROUP BY ug.id ORDER BY lower(ug.name)`,
      id === undefined ? [] : [id],
    );
    return rows.map(
      (r): UserGroup => ({
        id: r.id,
        name: r.name,
        memberIds: r.member_ids,
        managedGroupId: r.managed_group_id,
      }),
    );
  },

  async create(db, name, creatorId, memberIds) {
    return db
      .tx(async (q) => {
        const chat = await q.query<{ id: number }>(
          `INSERT INTO ${db.s}.groups (type, name, created_by) VALUES ('managed', $1, $2) RETURNING id`,
          [name, creatorId],
        );
        const ug = await q.query<{ id: number }>(
          `INSERT INTO ${db.s}.user_groups (name, managed_group_id, created_by) VALUES ($1, $2, $3) RETURNING id`,
          [name, chat.rows[0]!.id, creatorId],
        );
        await q.query(
          `INSERT INTO ${db.s}.user_group_members (user_group_id, user_id) SELECT $1, unnest($2::int[])`,
          [ug.rows[0]!.id, memberIds],
        );
        return ug.rows[0]!.id;
      })
      .catch(nameTaken);
  },

  async update(db, id, change) {
    await db
      .tx(async (q) => {
        if (change.name) {
          await q.query(`UPDATE ${db.s}.user_groups SET name = $2, updated_at = now() WHERE id = $1`, [
            id,
            change.name,
          ]);
          if (change.managedGroupId) {
            await q.query(`UPDATE ${db.s}.groups SET name = $2, updated_at = now() WHERE id = $1`, [
              change.managedGroupId,
              change.name,
            ]);
          }
        }
        if (change.memberIds) {
          await q.query(`DELETE FROM ${db.s}.user_group_members WHERE user_group_id = $1`, [id]);
          await q.query(
            `INSERT INTO ${db.s}.user_group_members (user_group_id, user_id) SELECT $1, unnest($2::int[])`,
            [id, change.memberIds],
          );
        }
      })
      .catch(nameTaken);
  },

  async remove(db, id, managedGroupId) {
    await db.tx(async (q) => {
      if (managedGroupId)
        await q.query(`UPDATE ${db.s}.groups SET type = 'private' WHERE id = $1`, [managedGroupId]);
      await q.query(`DELETE FROM ${db.s}.user_groups WHERE id = $1`, [id]);
    });
  },

  async syncChatMembers(db, groupId, memberIds) {
    const current = (
      await db.query<{ user_id: number }>(`SELECT user_id FROM ${db.s}.group_members WHERE group_id = $1`, [
        groupId,
      ])
    ).rows.map((r) => r.user_id);
    const wanted = new Set(memberIds);
    const added = memberIds.filter((id) => !current.includes(id));
    const toRemove = current.filter((id) => !wanted.has(id));
    if (added.length) {
      await db.query(
        `INSERT INTO ${db.s}.group_members (group_id, user_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING`,
        [groupId, added],
      );
    }
    let removed: Array<{ id: number; name: string }> = [];
    if (toRemove.length) {
      const gone = await db.query<{ name: string; id: number }>(
        `DELETE FROM ${db.s}.group_members gm USING ${db.s}.users u
         WHERE gm.group_id = $1 AND gm.user_id = ANY($2::int[]) AND u.id = gm.user_id
         RETURNING u.id, COALESCE(u.display_name, u.name) AS name`,
        [groupId, toRemove],
      );
      // In the order they were members, so messages name them predictably.
      removed = toRemove.flatMap((id) => gone.rows.filter((r) => r.id === id));
    }
    return { added, removed };
  },

  async existingIds(db, ids) {
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM ${db.s}.user_groups WHERE id = ANY($1::int[])`,
      [ids],
    );
    return rows.map((r) => r.id);
  },

  async restrictions(db) {
    const { rows } = await db.query<{ from_user_group: number; to_user_group: number }>(
      `SELECT from_user_group, to_user_group FROM ${db.s}.dm_restrictions ORDER BY 1, 2`,
    );
    return rows.map((r) => ({ fromUserGroupId: r.from_user_group, toUserGroupId: r.to_user_group }));
  },

  async setRestrictions(db, rules) {
    await db.tx(async (q) => {
      await q.query(`DELETE FROM ${db.s}.dm_restrictions`);
      if (rules.length) {
        await q.query(
          `INSERT INTO ${db.s}.dm_restrictions (from_user_group, to_user_group)
           SELECT * FROM unnest($1::int[], $2::int[]) ON CONFLICT DO NOTHING`,
          [rules.map((r) => r.fromUserGroupId), rules.map((r) => r.toUserGroupId)],
        );
      }
    });
  },
};
