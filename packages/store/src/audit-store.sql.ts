import type { Row } from '@rosterchirp/db';
import type { TenantAuditEntry } from '@rosterchirp/protocol';
import type { AuditStore } from './audit-store.ts';

const ENTRY_COLUMNS =
  'a.id, a.at, a.actor_id, u.name AS actor_name, a.action, a.target_type, a.target_id, a.ip, a.details';

function toEntry(r: Row): TenantAuditEntry {
  return {
    id: Number(r.id),
    at: (r.at as Date).toISOString(),
    actor: r.actor_id === null ? null : { id: r.actor_id as number, name: (r.actor_name as string) ?? '' },
    action: r.action as string,
    target: r.target_type === null ? null : { type: r.target_type as string, id: r.target_id as string },
    ip: (r.ip as string | null) ?? null,
    details: (r.details as Record<string, unknown>) ?? {},
  };
}

export const sqlAuditStore: AuditStore = {
  async append(db, e) {
    const { rows } = await db.query(
      `WITH a AS (
         INSERT INTO ${db.s}.audit_log (actor_id, action, target_type, target_id, ip, details)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *
       )
       SELECT ${ENTRY_COLUMNS} FROM a LEFT JOIN ${db.s}.users u ON u.id = a.actor_id`,
      [e.actorId, e.action, e.target?.type ?? null, e.target?.id ?? null, e.ip, JSON.stringify(e.details)],
    );
    return toEntry(rows[0]!);
  },

  async page(db, opts) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.before !== undefined) where.push(`a.id < $${params.push(opts.before)}`);
    if (opts.action !== undefined) where.push(`a.action = $${params.push(opts.action)}`);
    if (opts.actorId !== undefined) where.push(`a.actor_id = $${params.push(opts.actorId)}`);
    const { rows } = await db.query(
      `SELECT ${ENTRY_COLUMNS} FROM ${db.s}.audit_log a LEFT JOIN ${db.s}.users u ON u.id = a.actor_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.id DESC LIMIT $${params.push(opts.limit)}`,
      params,
    );
    return rows.map(toEntry);
  },
};
