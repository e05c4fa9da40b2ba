/**
 * Schedule listing: a member who sees 500 recurring series (daily, weekly on 1–3 weekdays,
 * monthly, yearly; started up to two years ago, in eight time zones; a fifth of them ending by
 * count; their audience everyone or a user group the member is in) asks for a month. Debian
 * Postgres 15, the real migrations and the real schedule service (recurrence expanded by rrule
 * per request). Reports p50/p95/p99 over repeats, cold (first request) and warm.
 * Usage: node --import tsx loadtest/src/schedule-bench.ts [--series 500] [--repeats 200]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPool, migrateSchema, tenantDb } from '@rosterchirp/db';
import { createScheduleService, createSettingsService } from '@rosterchirp/domain';
import { REPO_ROOT, startPostgres } from '@rosterchirp/infra';
import type { EventBus, User } from '@rosterchirp/protocol';
import { createSqlStores } from '@rosterchirp/store';
import { DateTime } from 'luxon';
import pgClient from 'pg';
import { machine as machineDescription, summary } from './lib/measure.ts';

const { values } = parseArgs({
  options: { series: { type: 'string', default: '500' }, repeats: { type: 'string', default: '200' } },
});
const SERIES = Number(values.series);
const REPEATS = Number(values.repeats);
const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Asia/Kolkata',
];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

const log = { error: (o: object, m: string) => console.error(m, o) };
const dir = await mkdtemp(join(tmpdir(), 'rc-schedule-bench-'));
const pg = await startPostgres({ dir, database: 'rosterchirp' });
const pool = createPool(pg.url, 4, log);
const setup = new pgClient.Client({ connectionString: pg.url });
await setup.connect();
try {
  await migrateSchema(pg.url, 'public');
  const db = tenantDb(pool, 'public');
  await setup.query(`INSERT INTO public.event_types (name, colour) VALUES ('Meeting', '#2563eb')`);
  await setup.query(
    `INSERT INTO public.users (email, name, handle, role) VALUES
       ('manager@example.test', 'Manager', 'manager', 'manager'),
       ('member@example.test', 'Member', 'member', 'member')`,
  );
  await setup.query(`INSERT INTO public.user_groups (name) VALUES ('Squad'), ('Others')`);
  await setup.query(`INSERT INTO public.user_group_members (user_group_id, user_id) VALUES (1, 2)`);
  // Noise the member does not see: another user group's events.
  const rows: unknown[][] = [];
  const now = Date.now();
  for (let i = 0; i < SERIES * 1.2; i++) {
    const visible = i < SERIES;
    const startedDaysAgo = (i * 37) % 730;
    const start = new Date(now - startedDaysAgo * 86_400_000);
    start.setUTCHours(6 + (i % 12), (i % 2) * 30, 0, 0);
    const freq = (['daily', 'weekly', 'weekly', 'weekly', 'monthly', 'yearly'] as const)[i % 6]!;
    const byWeekday =
      freq === 'weekly' ? WEEKDAYS.filter((_, d) => (i + d) % (3 + (i % 3)) === 0).slice(0, 3) : [];
    const byCount = i % 5 === 0;
    rows.push([
      `Series ${i} ${freq} training`,
      start,
      new Date(start.getTime() + 90 * 60_000),
      ZONES[i % ZONES.length],
      JSON.stringify({
        freq,
        interval: 1 + (i % 2),
        ...(byWeekday.length ? { byWeekday } : {}),
        count: byCount ? 400 : null,
      }),
      visible ? (i % 2 ? 1 : null) : 2,
    ]);
  }
  const stores = createSqlStores();
  const bus: EventBus = {
    emit: () => undefined,
    join: () => undefined,
    leave: () => undefined,
    disconnect: () => undefined,
  };
  const schedule = createScheduleService({
    stores,
    settings: createSettingsService({ stores }),
    bus,
    onEventWritten: async () => undefined,
  });
  // Stored through the service's own rules (series end computed), by a manager.
  const manager = { id: 1, role: 'manager' } as User;
  let t = performance.now();
  const weekdayIn = (d: Date, zone: string) => WEEKDAYS[DateTime.fromJSDate(d, { zone }).weekday - 1]!;
  for (const [title, start, end, timeZone, recurrence, userGroupId] of rows as Array<
    [string, Date, Date, string, string, number | null]
  >) {
    // Created in the future (new events may not start in the past), whole weeks after its start.
    const weeks = Math.max(0, Math.ceil((Date.now() + 3600_000 - start.getTime()) / (7 * 86_400_000)));
    const createdAt = new Date(start.getTime() + weeks * 7 * 86_400_000);
    const rule = JSON.parse(recurrence) as { byWeekday?: string[] };
    // A weekly series' first day is one of its weekdays (both the first and the real start's).
    if (rule.byWeekday)
      rule.byWeekday = [
        ...new Set([...rule.byWeekday, weekdayIn(createdAt, timeZone), weekdayIn(start, timeZone)]),
      ];
    const created = await schedule.create(db, manager, {
      title,
      start: createdAt.toISOString(),
      end: new Date(createdAt.getTime() + (end.getTime() - start.getTime())).toISOString(),
      timeZone,
      typeId: 1,
      recurrence: rule as never,
      ...(userGroupId ? { audience: { userGroupId } } : {}),
    });
    // Then moved back to when the series really began (edits may start in the past).
    await schedule.update(db, manager, created.id, { start: start.toISOString(), end: end.toISOString() });
  }
  const seedS = (performance.now() - t) / 1000;
  // Answers: 10 people on the next month's occurrences of a few series.
  await setup.query(`INSERT INTO public.users (email, name, handle)
     SELECT 'fan' || g || '@example.test', 'Fan ' || g, 'fan' || g FROM generate_series(1, 10) g`);
  await setup.query('ANALYZE');

  const member = { id: 2, role: 'member' } as User;
  const monthStart = new Date(now);
  monthStart.setUTCDate(1);
  monthStart.setUTCHours(0, 0, 0, 0);
  const monthEnd = new Date(monthStart);
  monthEnd.setUTCMonth(monthEnd.getUTCMonth() + 1);
  const query = { from: monthStart.toISOString(), to: monthEnd.toISOString() };
  t = performance.now();
  const first = await schedule.list(db, member, query);
  const coldMs = performance.now() - t;
  const seriesSeen = new Set(first.map((o) => o.eventId)).size;
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const s = performance.now();
    await schedule.list(db, member, query);
    times.push(performance.now() - s);
  }
  const { p50, p95, p99 } = summary(times);
  // A different month each time (36 months from this one): nothing the process kept applies.
  const fresh: number[] = [];
  for (let m = 1; m <= 36; m++) {
    const from = new Date(monthStart);
    from.setUTCMonth(from.getUTCMonth() + m);
    const to = new Date(from);
    to.setUTCMonth(to.getUTCMonth() + 1);
    const s = performance.now();
    await schedule.list(db, member, { from: from.toISOString(), to: to.toISOString() });
    fresh.push(performance.now() - s);
  }
  const c = summary(fresh);
  const filtered: number[] = [];
  for (let i = 0; i < Math.min(REPEATS, 50); i++) {
    const s = performance.now();
    await schedule.list(db, member, { ...query, q: 'weekly' });
    filtered.push(performance.now() - s);
  }
  const f = summary(filtered);
  const report = [
    `# Schedule: a month for a member who sees ${SERIES} recurring series (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${machineDescription()}. Debian Postgres 15 (fsync off), one process, the real schedule service over a 4-connection pool.`,
    `${rows.length} series stored (${SERIES} visible to the member: everyone's or their user group's; the rest another user group's), daily / weekly on 1–3 weekdays / monthly / yearly, interval 1–2, started up to two years ago, in ${ZONES.length} time zones, a fifth ending by count. Seeding through the service took ${seedS.toFixed(1)} s.`,
    `Listing ${query.from.slice(0, 10)} – ${query.to.slice(0, 10)}: ${first.length} occurrences from ${seriesSeen} series.`,
    '',
    '| listing | p50 ms | p95 ms | p99 ms |',
    '|---|---|---|---|',
    `| month (first request, cold: ${coldMs.toFixed(1)} ms) × ${REPEATS} | ${p50.toFixed(1)} | ${p95.toFixed(1)} | ${p99.toFixed(1)} |`,
    `| a different month each time × ${fresh.length} | ${c.p50.toFixed(1)} | ${c.p95.toFixed(1)} | ${c.p99.toFixed(1)} |`,
    `| month, keyword \`weekly\` × ${filtered.length} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} | ${f.p99.toFixed(1)} |`,
    '',
    `Target: p95 under 50 ms — ${p95 < 50 ? 'met' : 'NOT met'} for the month many people look at (rules and their expansion of that range are kept per process); ${c.p95 < 50 ? 'met' : 'NOT met'} for months nobody asked for before.`,
    '',
    'Reproduce: `pnpm bench:schedule` (under a minute).',
    '',
  ].join('\n');
  process.stdout.write(`${report}\n`);
  await mkdir(join(REPO_ROOT, 'loadtest', 'results'), { recursive: true });
  await writeFile(join(REPO_ROOT, 'loadtest', 'results', 'schedule-month.md'), report);
} finally {
  await setup.end();
  await pool.end();
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
