/**
 * `pnpm doctor [--json] [--url URL] [--env-file FILE]`: a health report of a running deployment in
 * under a second. Reads the same environment as the server (DATA_DIR finds the embedded default's
 * database), or the file `--env-file` names (`pnpm cluster` prints one); `--url` adds that
 * instance's health and metrics. Exit code 0 only when every check is healthy.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@rosterchirp/config';
import { deploymentChecks } from './doctor/doctor-checks.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    json: { type: 'boolean', default: false },
    url: { type: 'string' },
    'env-file': { type: 'string' },
  },
});

async function main(): Promise<number> {
  const started = performance.now();
  let config: ReturnType<typeof loadConfig>;
  try {
    // A deployment's environment from a file (`pnpm cluster` writes one), over the shell's.
    if (values['env-file']) process.loadEnvFile(values['env-file']);
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const report = {
      ok: false,
      tookMs: 0,
      checks: [{ name: 'config', ok: false, detail: 'invalid', problem: err.message }],
    };
    process.stdout.write(
      values.json ? `${JSON.stringify(report)}\n` : `RosterChirp doctor — configuration: ${err.message}\n`,
    );
    return 1;
  }
  const checks = await deploymentChecks(config, {
    instanceUrl: values.url,
    metricsToken: config.metricsToken,
  });
  const ok = checks.every((c) => c.ok);
  const tookMs = Math.round(performance.now() - started);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ok, tookMs, checks })}\n`);
  } else {
    const lines = [`RosterChirp doctor — ${ok ? 'healthy' : 'PROBLEMS'} (${tookMs} ms)`];
    for (const c of checks) {
      lines.push(`  ${c.ok ? '✓' : '✗'} ${c.name.padEnd(10)} ${c.detail}`);
      if (c.problem) lines.push(`      ${c.problem}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`doctor failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
