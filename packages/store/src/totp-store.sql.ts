import type { TotpStore } from './totp-store.ts';

export const sqlTotpStore: TotpStore = {
  async state(db, userId) {
    const { rows } = await db.query<{ totp_secret: string | null; totp_enabled_at: Date | null }>(
      `SELECT totp_secret, totp_enabled_at FROM ${db.s}.users WHERE id = $1`,
      [userId],
    );
    return { secret: rows[0]?.totp_secret ?? null, enabled: rows[0]?.totp_enabled_at != null };
  },

  async setPending(db, userId, secret) {
    await db.query(
      `UPDATE ${db.s}.users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1 AND totp_enabled_at IS NULL`,
      [userId, secret],
    );
  },

  async enable(db, userId, codeHashes) {
    await db.tx(async (q) => {
      await q.query(`UPDATE ${db.s}.users SET totp_enabled_at = now() WHERE id = $1`, [userId]);
      await q.query(`DELETE FROM ${db.s}.totp_recovery_codes WHERE user_id = $1`, [userId]);
      await q.query(
        `INSERT INTO ${db.s}.totp_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`,
        [userId, codeHashes],
      );
    });
  },

  async disable(db, userId) {
    await db.tx(async (q) => {
      await q.query(
        `UPDATE ${db.s}.users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1`,
        [userId],
      );
      await q.query(`DELETE FROM ${db.s}.totp_recovery_codes WHERE user_id = $1`, [userId]);
    });
  },

  async useStep(db, userId, step) {
    const { rowCount } = await db.query(
      `UPDATE ${db.s}.users SET totp_last_step = $2
       WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
      [userId, step],
    );
    return rowCount === 1;
  },

  async useRecoveryCode(db, userId, codeHash) {
    const { rowCount } = await db.query(
      `UPDATE ${db.s}.totp_recovery_codes SET used_at = now()
       WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
      [userId, codeHash],
    );
    return rowCount === 1;
  },

  async recoveryCodesLeft(db, userId) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${db.s}.totp_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return Number(rows[0]?.n ?? 0);
  },
};
