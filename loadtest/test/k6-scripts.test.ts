/**
 * The k6 scripts keep working against a deployment: each runs for a few seconds against the
 * local cluster (2 instances behind Caddy) with a handful of virtual users, and what it
 * measured says it did its job (messages sent and delivered, connections made, requests
 * answered). Their latency thresholds are for real load tests, not for a busy test machine, so
 * they are not judged here. Needs a k6 binary: `K6_BINARY`, or `k6` on PATH; without one the
 * suite is skipped and says so.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type Cluster, REPO_ROOT, startCluster } from '@rosterchirp/infra';
import { BENCH_ENV } from '../src/lib/clients.ts';

const run = promisify(execFile);

function findK6(): string | null {
  if (process.env.K6_BINARY) return process.env.K6_BINARY;
  try {
    return execFileSync('sh', ['-c', 'command -v k6'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
const K6 = findK6();

interface Summary {
  /** Counters: count; rates: value (and passes/fails); trends: avg, med, p(95)… (only when sampled). */
  metrics: Record<
    string,
    { count?: number; rate?: number; passes?: number; fails?: number; value?: number; avg?: number }
  >;
}

describe('k6 scripts against the local cluster', {
  skip: K6 ? false : 'no k6 binary: set K6_BINARY or put k6 on PATH',
}, () => {
  let cluster: Cluster;
  let dir: string;

  before(async () => {
    cluster = await startCluster({ instances: 2, env: BENCH_ENV });
    dir = await mkdtemp(join(tmpdir(), 'rc-k6-'));
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const k6 = async (script: string): Promise<Summary> => {
    const summary = join(dir, `${script}.json`);
    const env = {
      BASE_URL: cluster.url,
      ADMIN_EMAIL: cluster.admin.email,
      ADMIN_PASS: cluster.admin.password,
      VUS: '4',
      USERS: '8',
      PER_ROOM: '4',
      DURATION: '4s',
      // Sessions end inside the run (k6 would otherwise wait out its 30 s graceful stop).
      SESSION_SECONDS: '3',
      RAMP: '2s',
      HOLD: '2s',
      IDLE_SECONDS: '3',
      SEND_EVERY_MS: '500',
      RUN_ID: `ci-${script}`,
    };
    const args = ['run', '--quiet', '--no-color', '--no-thresholds', '--summary-export', summary];
    for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
    args.push(join(REPO_ROOT, 'loadtest', 'k6', `${script}.js`));
    await run(K6!, args, { cwd: REPO_ROOT, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }).catch(
      (err: { stdout?: string; stderr?: string }) => {
        throw new Error(`k6 ${script} failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
      },
    );
    return JSON.parse(await readFile(summary, 'utf8')) as Summary;
  };

  it('connect-idle.js: every virtual user connects over socket.io, none refused', async () => {
    const { metrics } = await k6('connect-idle');
    assert.equal(typeof metrics.sio_connect_ms?.avg, 'number', 'connections were timed');
    assert.equal(metrics.sio_refused?.count ?? 0, 0);
  });

  it('chat.js: sends are acknowledged and delivered to the room', async () => {
    const { metrics } = await k6('chat');
    assert.ok((metrics.messages_delivered?.count ?? 0) > 0, 'messages delivered');
    assert.ok((metrics.send_ok?.value ?? 0) > 0.99, `send_ok ${JSON.stringify(metrics.send_ok)}`);
  });

  it('rest-mix.js: requests answered without failures', async () => {
    const { metrics } = await k6('rest-mix');
    assert.ok((metrics.http_reqs?.count ?? 0) > 10);
    assert.ok(
      (metrics.http_req_failed?.value ?? 1) < 0.01,
      `http_req_failed ${JSON.stringify(metrics.http_req_failed)}`,
    );
  });

  it('stream.js: the plain WebSocket stream acknowledges and delivers', async () => {
    const { metrics } = await k6('stream');
    assert.ok(
      (metrics.stream_ack_ok?.value ?? 0) > 0.99,
      `stream_ack_ok ${JSON.stringify(metrics.stream_ack_ok)}`,
    );
    assert.equal(typeof metrics.stream_send_to_deliver_ms?.avg, 'number', 'deliveries were timed');
  });
});
