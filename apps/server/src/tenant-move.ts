import {
  copySchemaRows,
  latestTenantVersion,
  migrateIfBehind,
  migrateSchema,
  openDirectClient,
  quoteSchema,
  type ShardMap,
  schemaFingerprint,
  schemaTables,
  withTryLock,
} from '@rosterchirp/db';
import type { HostAudit, TenantCatalog } from '@rosterchirp/store';
import type pg from 'pg';

export interface MoveReport {
  slug: string;
  schema: string;
  from: string;
  to: string;
  tables: number;
  rows: number;
  /** From the source's write locks to their release: writes waited (reads went on) this long. */
  readOnlyMs: number;
  totalMs: number;
}

/**
 * Why a move was refused (no such tenant, no such shard, already there or busy) or undone
 * (`failed`: nothing switched, the source untouched). The CLI exits 2 for refusals.
 */
export class MoveError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'bad-shard' | 'conflict' | 'failed',
  ) {
    super(message);
    this.name = 'MoveError';
  }

  get refused(): boolean {
    return this.kind !== 'failed';
  }
}

const directClient = (url: string) => openDirectClient(url, 'rosterchirp-tenant-move');

/** Deadlock detected, lock timeout: a running write held a table the move wanted next. */
const LOCK_CONFLICT = new Set(['40P01', '55P03']);

/**
 * Opens the source's transaction holding every table IN EXCLUSIVE MODE. The tables are taken one
 * after another, so a write that already holds one and then needs another (a message insert
 * that touches its conversation through a trigger) can deadlock with the move; Postgres then
 * cancels one side. When that is the move, it lets go of everything and tries again, a few
 * times, a moment later: the writes went through meanwhile.
 */
async function lockForMove(source: pg.Client, tables: string[], say: (line: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await source.query('BEGIN');
    try {
      await source.query("SET LOCAL lock_timeout = '5s'");
      await source.query(`LOCK TABLE ${tables.join(', ')} IN EXCLUSIVE MODE`);
      return;
    } catch (err) {
      await source.query('ROLLBACK').catch(() => undefined);
      const code = (err as { code?: string }).code ?? '';
      if (!LOCK_CONFLICT.has(code) || attempt === 5) throw err;
      say(`locking attempt ${attempt} met a running write (${(err as Error).message}); trying again`);
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/**
 * Moves a tenant's schema to another shard (docs/CLUSTER.md phase 4), the tenant staying online:
 *  1. both sides at the latest migration; the target's schema created fresh (a leftover of a
 *     failed move is dropped first: the catalog never pointed at it);
 *  2. the source's tables locked IN EXCLUSIVE MODE — reads go on, writes wait (the read-only
 *     window starts);
 *  3. every row copied (binary COPY), sequences set, row counts and checksums compared table by
 *     table; any difference undoes the copy and releases the source untouched;
 *  4. the catalog switched (its trigger tells every instance at commit, which then routes the
 *     tenant's next statement to the target);
 *  5. the source schema renamed aside as the locks are released: a write that waited behind them
 *     meets its schema gone and runs again on the target (routedTenantDb);
 *  6. the renamed source dropped — only now, after verification and the switch.
 */
export async function moveTenant(opts: {
  shards: ShardMap;
  catalog: TenantCatalog;
  audit?: HostAudit;
  slug: string;
  to: string;
  log?: (line: string) => void;
}): Promise<MoveReport> {
  const started = performance.now();
  const say = opts.log ?? (() => undefined);
  const row = await opts.catalog.bySlug(opts.slug);
  if (!row || row.status === 'deleting') throw new MoveError(`No tenant "${opts.slug}"`, 'not-found');
  if (row.status === 'provisioning')
    throw new MoveError(`Tenant "${opts.slug}" is still being created`, 'conflict');
  if (!opts.shards.names().includes(opts.to)) {
    throw new MoveError(`No shard "${opts.to}" (configured: ${opts.shards.names().join(', ')})`, 'bad-shard');
  }
  if (row.shard === opts.to)
    throw new MoveError(`Tenant "${opts.slug}" is already on shard "${opts.to}"`, 'conflict');
  const from = opts.shards.get(row.shard);
  const to = opts.shards.get(opts.to);
  const schema = row.schema;
  const s = quoteSchema(schema);

  const locked = await withTryLock(from.directUrl, `rosterchirp:provision:${row.slug}`, async () => {
    const latest = await latestTenantVersion();
    await migrateIfBehind(from, schema, latest);
    const target = await directClient(to.directUrl);
    const source = await directClient(from.directUrl);
    try {
      await target.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await migrateSchema(to.directUrl, schema);
      say(`target schema ${schema} created on shard ${opts.to}`);

      const tables = await schemaTables(source, schema);
      await lockForMove(
        source,
        tables.map((t) => `${s}."${t}"`),
        say,
      );
      const windowStart = performance.now();
      say(`writes to ${schema} paused on shard ${row.shard} (${tables.length} tables)`);

      await target.query('BEGIN');
      let rows: number;
      try {
        rows = await copySchemaRows(source, target, schema);
        const [before, after] = [
          await schemaFingerprint(source, schema),
          await schemaFingerprint(target, schema),
        ];
        const differing = Object.keys(before).filter(
          (t) => before[t]!.rows !== after[t]?.rows || before[t]!.checksum !== after[t]?.checksum,
        );
        if (differing.length || Object.keys(after).length !== Object.keys(before).length) {
          throw new MoveError(
            `copy differs from the source in ${differing.join(', ') || 'its tables'}`,
            'failed',
          );
        }
        await target.query('COMMIT');
      } catch (err) {
        await target.query('ROLLBACK').catch(() => undefined);
        await source.query('ROLLBACK').catch(() => undefined);
        await target.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => undefined);
        throw err;
      }
      say(`${rows} rows copied and verified (counts and checksums of ${tables.length} tables)`);

      try {
        await opts.catalog.setShard(row.slug, opts.to);
      } catch (err) {
        await source.query('ROLLBACK').catch(() => undefined);
        await target.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => undefined);
        throw err;
      }
      const aside = `${schema}__moved_${Date.now()}`;
      await source.query(`ALTER SCHEMA ${s} RENAME TO ${quoteSchema(aside)}`);
      await source.query('COMMIT');
      const readOnlyMs = performance.now() - windowStart;
      say(`catalog switched to ${opts.to}; writes resumed after ${readOnlyMs.toFixed(0)} ms`);
      await source.query(`DROP SCHEMA ${quoteSchema(aside)} CASCADE`);
      say(`old schema dropped on shard ${row.shard}`);
      return { tables: tables.length, rows, readOnlyMs };
    } finally {
      await source.end().catch(() => undefined);
      await target.end().catch(() => undefined);
    }
  });
  if (!locked.acquired) {
    throw new MoveError(
      `Tenant "${opts.slug}" is being changed right now; try again in a moment`,
      'conflict',
    );
  }
  const report: MoveReport = {
    slug: row.slug,
    schema,
    from: row.shard,
    to: opts.to,
    tables: locked.value.tables,
    rows: locked.value.rows,
    readOnlyMs: Math.round(locked.value.readOnlyMs),
    totalMs: Math.round(performance.now() - started),
  };
  await opts.audit
    ?.record({ action: 'tenant.move', slug: row.slug, outcome: 'ok', ip: null, details: { ...report } })
    .catch(() => undefined);
  return report;
}
