import type pg from 'pg';

/** Postgres settings that make it count statements (pg_stat_statements, with planning time). */
export const STATEMENT_STATS_SETTINGS = [
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track=all',
  'pg_stat_statements.track_planning=on',
];

export async function resetStatements(db: pg.Client): Promise<void> {
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await db.query('SELECT pg_stat_statements_reset()');
}

/** The statements Postgres ran since the reset, by total time: calls and time per `unit`. */
export async function statementsReport(db: pg.Client, units: number, unit: string): Promise<string> {
  const { rows } = await db.query<{ query: string; calls: string; ms: number; plan_ms: number }>(
    `SELECT query, calls, total_exec_time AS ms, total_plan_time AS plan_ms FROM pg_stat_statements
      WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`,
  );
  const all = await db.query<{ calls: string }>(
    `SELECT sum(calls) AS calls FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'`,
  );
  const lines = [
    `\nStatements per ${unit}: ${(Number(all.rows[0]?.calls ?? 0) / units).toFixed(2)} (top by time; calls, execution, planning per ${unit}):`,
  ];
  for (const r of rows) {
    const text = r.query.replace(/\s+/g, ' ').slice(0, 110);
    lines.push(
      `${(Number(r.calls) / units).toFixed(2).padStart(6)} × ${((r.ms * 1000) / units).toFixed(0).padStart(4)} µs + ${((r.plan_ms * 1000) / units).toFixed(0).padStart(4)} µs  ${text}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
