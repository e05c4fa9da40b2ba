/**
 * Search latency at 1,000,000 messages: Debian Postgres 15 (fsync off), the real migrations and
 * the real search service. Reports index build time and query latency (p50/p95 over repeats).
 * Usage: node --import tsx loadtest/src/search-bench.ts [--messages 1000000] [--repeats 20]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPool, migrateSchema, tenantDb } from '@rosterchirp/db';
import { createSearchService } from '@rosterchirp/domain';
import { REPO_ROOT, startPostgres } from '@rosterchirp/infra';
import type { User } from '@rosterchirp/protocol';
import { createSqlStores } from '@rosterchirp/store';
import pgClient from 'pg';
import { machine as machineDescription, summary } from './lib/measure.ts';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '1000000' }, repeats: { type: 'string', default: '20' } },
});
const N = Number(values.messages);
const REPEATS = Number(values.repeats);
const WORDS =
  'team training match practice saturday sunday monday coach player field ball goal mountain river lake trip bus van car drive meet meeting schedule kit shirt boots water snack parent volunteer referee season league cup final win draw loss score warm stretch sprint drill pass shoot defend attack keeper captain photo video link form payment fee invoice holiday weather rain sun wind cold hot early late tonight tomorrow today week month weekend morning evening afternoon thanks please sorry great awesome cool okay sure maybe yes no ready set go'.split(
    ' ',
  );

const log = { error: (o: object, m: string) => console.error(m, o) };
const dir = await mkdtemp(join(tmpdir(), 'rc-search-bench-'));
const pg = await startPostgres({ dir, database: 'rosterchirp' });
const pool = createPool(pg.url, 4, log);
// Setup runs long statements: a plain client without the app's query timeout.
const setup = new pgClient.Client({ connectionString: pg.url });
await setup.connect();
try {
  await migrateSchema(pg.url, 'public');
  const db = tenantDb(pool, 'public');
  await setup.query(
    `INSERT INTO public.users (email, name, handle, role) VALUES ('bench@example.test', 'Bench', 'bench', 'admin')`,
  );
  await setup.query(
    `INSERT INTO public.groups (type, name) SELECT 'public', 'Channel ' || g FROM generate_series(1, 20) g`,
  );
  await setup.query('DROP INDEX public.messages_search; DROP INDEX public.messages_content_trgm;');
  let t = performance.now();
  await setup.query(
    `INSERT INTO public.messages (group_id, author_id, content, created_at)
     SELECT 1 + (i % 20), 1,
       (SELECT string_agg(($1::text[])[1 + floor(random() * $2)::int], ' ') FROM generate_series(1, 6 + (i % 10)) WHERE i > 0),
       now() - make_interval(secs => $3 - i)
     FROM generate_series(1, $3) AS i`,
    [WORDS, WORDS.length, N],
  );
  const insertS = (performance.now() - t) / 1000;
  t = performance.now();
  await setup.query('CREATE INDEX messages_search ON public.messages USING gin (search)');
  const ftsIndexS = (performance.now() - t) / 1000;
  t = performance.now();
  await setup.query(
    'CREATE INDEX messages_content_trgm ON public.messages USING gin (content public.gin_trgm_ops)',
  );
  const trgmIndexS = (performance.now() - t) / 1000;
  await setup.query('ANALYZE public.messages');
  const size = (
    await setup.query<{ s: string }>(`SELECT pg_size_pretty(pg_total_relation_size('public.messages')) AS s`)
  ).rows[0]!.s;

  const search = createSearchService({ stores: createSqlStores() });
  const user = { id: 1, role: 'admin' } as User;
  const queries = ['mountain', 'mount', 'ountai', 'mountain trip', 'referee invoice', 'zzzz-nothing'];
  const rows: string[] = [];
  for (const q of queries) {
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < REPEATS; i++) {
      const s = performance.now();
      const r = await search.search(db, user, { q, limit: 20 });
      times.push(performance.now() - s);
      hits = r.results.length;
    }
    const { p50, p95 } = summary(times);
    rows.push(`| \`${q}\` | ${hits} | ${p50.toFixed(1)} | ${p95.toFixed(1)} |`);
  }
  const machine = machineDescription();
  const report = [
    `# Search at ${N.toLocaleString('en')} messages (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${machine}. Debian Postgres 15, fsync off, 20 public channels, 6–15 words per message from a ${WORDS.length}-word vocabulary (so common words match a large share of all rows: a worst case for "newest first").`,
    `Insert ${insertS.toFixed(1)} s; full-text GIN index ${ftsIndexS.toFixed(1)} s; trigram GIN index ${trgmIndexS.toFixed(1)} s; table with indexes ${size}.`,
    `Each query through the real search service (first page, 20 results), ${REPEATS} repeats:`,
    '',
    '| query | results | p50 ms | p95 ms |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Reproduce: `pnpm bench:search` (about two minutes).',
    '',
  ].join('\n');
  process.stdout.write(`${report}\n`);
  await mkdir(join(REPO_ROOT, 'loadtest', 'results'), { recursive: true });
  await writeFile(join(REPO_ROOT, 'loadtest', 'results', 'search-1m.md'), report);
} finally {
  await setup.end();
  await pool.end();
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
