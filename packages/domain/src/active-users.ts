import type { TenantDb } from '@rosterchirp/db';
import type { GroupStore } from '@rosterchirp/store';
import { AppError } from './app-error.ts';

/** Display names of active users among `ids`; throws NOT_FOUND naming the first id that is not one. */
export async function activeUserNames(
  groups: GroupStore,
  db: TenantDb,
  ids: number[],
  field: string,
): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  const found = await groups.activeNames(db, unique);
  const missing = unique.find((id) => !found.has(id));
  if (missing !== undefined)
    throw new AppError('NOT_FOUND', `User ${missing} not found`, { field, id: missing });
  return found;
}
