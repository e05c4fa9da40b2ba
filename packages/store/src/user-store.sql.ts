import type { TenantDb } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';
import { isUniqueViolation } from './pg-errors.ts';
import { toUser, USER_COLUMNS } from './row-mapping.ts';
import { type NewUserRow, type UserStore, UserTaken } from './user-store.ts';

export const sqlUserStore: UserStore = {
  async list(db) {
    const { rows } = await db.query(
      `SELECT ${USER_COLUMNS} FROM ${db.s}.users u WHERE u.status <> 'deleted' AND u.bot_scopes IS NULL ORDER BY lower(u.name), u.id`,
    );
    return rows.map(toUser);
  },

  async page(db, opts) {
    const params: unknown[] = [opts.limit];
    const where = ["u.status <> 'deleted'", 'u.bot_scopes IS NULL'];
    if (opts.q) {
      params.push(`%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const p = `$${params.length}`;
      where.push(
        `(u.name ILIKE ${p} OR u.display_name ILIKE ${p} OR u.handle ILIKE ${p} OR u.email ILIKE ${p})`,
      );
    }
    if (opts.after) {
      params.push(opts.after.name, opts.after.id);
      where.push(`(lower(u.name), u.id) > ($${params.length - 1}, $${params.length})`);
    }
    // The directory may lag a replica's replay (someone who just changed people reads the primary).
    const { rows } = await db.read(
      `SELECT ${USER_COLUMNS} FROM ${db.s}.users u WHERE ${where.join(' AND ')} ORDER BY lower(u.name), u.id LIMIT $1`,
      params,
    );
    return rows.map(toUser);
  },

  async update(db, id, change) {
    const { rows } = await db.query(
      `UPDATE ${db.s}.users u SET name = COALESCE($2, u.name),
         display_name = CASE WHEN $3::boolean THEN $4 ELSE u.display_name END, role = COALESCE($5, u.role)
       WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
      [
        id,
        change.name ?? null,
        change.displayName !== undefined,
        change.displayName ?? null,
        change.role ?? null,
      ],
    );
    return rows[0] ? toUser(rows[0]) : null;
  },

  async existingEmails(db, emails) {
    const { rows } = await db.query<{ email: string }>(
      `SELECT lower(email) AS email FROM ${db.s}.users WHERE lower(email) = ANY($1::text[])`,
      [emails.map((e) => e.toLowerCase())],
    );
    return new Set(rows.map((r) => r.email));
  },

  async updateProfile(db, id, change) {
    const { rows } = await db.query(
      `UPDATE ${db.s}.users u SET
         display_name = CASE WHEN $2::boolean THEN $3 ELSE u.display_name END,
         about_me = CASE WHEN $4::boolean THEN $5 ELSE u.about_me END,
         phone = CASE WHEN $6::boolean THEN $7 ELSE u.phone END,
         avatar_key = CASE WHEN $8::boolean THEN $9 ELSE u.avatar_key END
       WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
      [
        id,
        change.displayName !== undefined,
        change.displayName ?? null,
        change.aboutMe !== undefined,
        change.aboutMe ?? null,
        change.phone !== undefined,
        change.phone ?? null,
        change.avatarKey !== undefined,
        change.avatarKey ?? null,
      ],
    );
    return rows[0] ? toUser(rows[0]) : null;
  },

  async otherActiveAdmins(db, exceptId) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${db.s}.users WHERE role = 'admin' AND status = 'active' AND id <> $1`,
      [exceptId],
    );
    return rows[0]?.n ?? 0;
  },

  async byId(db, id) {
    const { rows } = await db.query(`SELECT ${USER_COLUMNS} FROM ${db.s}.users u WHERE u.id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  },

  async byEmailWithHash(db, email) {
    const { rows } = await db.query(
      `SELECT ${USER_COLUMNS}, u.password_hash FROM ${db.s}.users u WHERE lower(u.email) = lower($1)`,
      [email],
    );
    const row = rows[0];
    return row ? { user: toUser(row), passwordHash: (row.password_hash as string | null) ?? null } : null;
  },

  async handlesLike(db, base) {
    const { rows } = await db.query<{ handle: string }>(
      `SELECT handle FROM ${db.s}.users
       WHERE left(handle, length($1)) = $1 AND substr(handle, length($1) + 1) ~ '^[0-9]*$'`,
      [base],
    );
    return new Set(rows.map((r) => r.handle));
  },

  async insert(db: TenantDb, user: NewUserRow): Promise<User> {
    try {
      const { rows } = await db.query(
        `INSERT INTO ${db.s}.users AS u (email, name, handle, role, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
        [user.email, user.name, user.handle, user.role, user.passwordHash, user.mustChangePassword],
      );
      return toUser(rows[0]!);
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) throw new UserTaken('email');
      if (isUniqueViolation(err, 'users_handle_key')) throw new UserTaken('handle');
      throw err;
    }
  },

  async passwordHash(db, id) {
    const { rows } = await db.query<{ password_hash: string | null }>(
      `SELECT password_hash FROM ${db.s}.users WHERE id = $1`,
      [id],
    );
    return rows[0]?.password_hash ?? null;
  },

  async setPassword(db, id, hash, mustChange) {
    await db.query(`UPDATE ${db.s}.users SET password_hash = $2, must_change_password = $3 WHERE id = $1`, [
      id,
      hash,
      mustChange,
    ]);
  },

  async setStatus(db, id, status) {
    const { rows } = await db.query(
      `UPDATE ${db.s}.users u SET status = $2 WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
      [id, status],
    );
    return rows[0] ? toUser(rows[0]) : null;
  },

  async touchLastOnline(db, id) {
    await db.query(`UPDATE ${db.s}.users SET last_online = now() WHERE id = $1`, [id]);
  },

  async preferences(db, id) {
    const { rows } = await db.query(`SELECT preferences FROM ${db.s}.users WHERE id = $1`, [id]);
    return (rows[0]?.preferences as Record<string, unknown> | undefined) ?? {};
  },

  async setPreferences(db, id, preferences) {
    await db.query(`UPDATE ${db.s}.users SET preferences = $2 WHERE id = $1`, [
      id,
      JSON.stringify(preferences),
    ]);
  },

  async scrub(db, id) {
    await db.tx(async (q) => {
      await q.query(
        `UPDATE ${db.s}.users SET status = 'deleted', email = 'deleted_' || id || '@deleted', name = 'Deleted User',
           display_name = NULL, avatar_key = NULL, about_me = NULL, phone = NULL, password_hash = NULL,
           must_change_password = false, preferences = '{}'
         WHERE id = $1`,
        [id],
      );
      await q.query(
        `UPDATE ${db.s}.messages SET content = '', image_key = NULL, deleted_at = coalesce(deleted_at, now())
         WHERE author_id = $1`,
        [id],
      );
      await q.query(
        `DELETE FROM ${db.s}.group_members gm USING ${db.s}.groups g
         WHERE gm.group_id = g.id AND gm.user_id = $1 AND g.type <> 'direct'`,
        [id],
      );
      await q.query(`DELETE FROM ${db.s}.user_group_members WHERE user_id = $1`, [id]);
      await q.query(`DELETE FROM ${db.s}.conversation_prefs WHERE user_id = $1`, [id]);
      await q.query(`DELETE FROM ${db.s}.push_subscriptions WHERE user_id = $1`, [id]);
    });
  },
};
