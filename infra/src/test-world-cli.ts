/**
 * `node --import tsx infra/src/test-world-cli.ts <command…>`: starts one Postgres and one
 * PgBouncer (transaction mode, every database) for a whole test run, runs the command with
 * their address in RC_TEST_WORLD, stops them, and exits with the command's code. Each test file
 * then makes a database of its own (startTestDatabase) instead of starting its own servers.
 * It also makes a self-signed certificate for 127.0.0.1 that the command's processes trust
 * (NODE_EXTRA_CA_CERTS), for local TLS stand-ins such as the push service.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK_CERT_ENV, makeLoopbackCert } from './loopback-cert.ts';
import { startPgBouncer } from './pgbouncer.ts';
import { startPostgres } from './postgres-server.ts';
import { TEST_WORLD_ENV, type TestWorldAddress } from './test-database.ts';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: test-world-cli.ts <command> [args…]\n');
  process.exit(2);
}
const dir = await mkdtemp(join(tmpdir(), 'rc-testworld-'));
const postgres = await startPostgres({ dir, database: 'rosterchirp' });
const bouncer = await startPgBouncer({ dir, postgresPort: postgres.port, database: '*', poolSize: 20 });
const world: TestWorldAddress = { postgresPort: postgres.port, pgbouncerPort: bouncer.port };
// A certificate for 127.0.0.1 that every test process trusts (the push stand-in's TLS).
const cert = makeLoopbackCert(dir);

const child = spawn(command, args, {
  stdio: 'inherit',
  env: {
    ...process.env,
    [TEST_WORLD_ENV]: JSON.stringify(world),
    [LOOPBACK_CERT_ENV]: cert.certFile,
    NODE_EXTRA_CA_CERTS: cert.certFile,
  },
});
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise<number>((resolve) =>
  child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))),
);
await bouncer.stop();
await postgres.stop();
await rm(dir, { recursive: true, force: true });
process.exit(code);
