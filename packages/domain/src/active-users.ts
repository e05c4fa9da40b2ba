import type { TenantDb } from '@rosterchirp/db';
import { AppError } from './app-error.ts';

/** Display names of active users among `ids`; throws NOT_FOUND naming the first id that is not one. */
export async function activeUserNames(
  db: TenantDb,
  ids: number[],
  field: string,
): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  const { rows } = await db.query<{ id: number; name: string }>(
    `SELECT id, COALESCE(display_name, name) AS name FROM ${db.s}.users WHERE id = ANY($1::int[]) AND status = 'active'`,
    [unique],
  );
  const found = new Map(rows.map((r) => [r.id, r.name]));
  const missing = unique.find((id) => !found.has(id));
  if (missing !== undefined)
    throw new AppError('NOT_FOUND', `User ${missing} not found`, { field, id: missing });
  return found;
}
