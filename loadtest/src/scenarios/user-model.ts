import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { type CaddyHandle, type Cluster, REPO_ROOT, startCaddy } from '@rosterchirp/infra';
import { provisionUsers } from '../lib/bulk-users.ts';
import { summary } from '../lib/measure.ts';
import type { WorkerCommand, WorkerReply } from './user-model-worker.ts';

/**
 * Mattermost's ceiling-test user model: every connected user does one action every ~20 s
 * (exponentially spaced) — post in their channel, view its history, list their channels or
 * mark it read — while holding a live WebSocket. Steps up the user count until a step fails
 * Mattermost's health rule (average action latency < 100 ms, p99 < 2 s, errors < 0.025 %) and
 * keeps the largest step that passed. (Mattermost reports 217 users on a 2-vCPU app node.)
 *
 * Past what one process can hold open (this machine: 20,000 descriptors per process), the users
 * are spread over several generator processes (user-model-worker.ts, ≤ USERS_PER_WORKER each)
 * and several front doors: the cluster's Caddy and, past ~9,000 WebSockets (Caddy holds two
 * descriptors per proxied one), more Caddy processes in front of the same instances, as a
 * deployment puts several balancers behind one name.
 */
export const HEALTH = { avgMs: 100, p99Ms: 2000, errorRate: 0.00025 };

export interface UserModelStep {
  users: number;
  /** Time to connect this step's new users (presence changes reach every socket, batched per second). */
  connectSeconds: number;
  connectRetries: number;
  seconds: number;
  actions: number;
  errors: number;
  /** Failed actions by kind ("post 503", "view network …", "connect failed"). */
  errorKinds?: Record<string, number>;
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  healthy: boolean;
}

const USERS_PER_WORKER = 7000;
const SOCKETS_PER_FRONT_DOOR = 9000;

interface Worker {
  child: ChildProcess;
  ask(cmd: WorkerCommand): Promise<WorkerReply>;
}

function startWorker(): Worker {
  const child = fork(join(REPO_ROOT, 'loadtest/src/scenarios/user-model-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    child,
    ask: (cmd) =>
      new Promise((resolve, reject) => {
        child.once('message', (reply: WorkerReply) => resolve(reply));
        child.once('exit', (code) => reject(new Error(`user-model worker exited (${code})`)));
        child.send(cmd);
      }),
  };
}

export async function runUserModel(
  cluster: Cluster,
  opts: { steps: number[]; stepSeconds: number; meanIntervalMs: number; log: (m: string) => void },
): Promise<{ steps: UserModelStep[]; maxHealthyUsers: number; firstUnhealthy: UserModelStep | null }> {
  const most = Math.max(...opts.steps);
  const users = await provisionUsers({
    directUrl: cluster.env.DATABASE_DIRECT_URL!,
    jwtSecret: cluster.env.JWT_SECRET!,
    count: most,
    prefix: 'model',
    roomSize: 20,
  });
  const extraDoors: CaddyHandle[] = [];
  for (let d = 1; d < Math.ceil(most / SOCKETS_PER_FRONT_DOOR); d++) {
    extraDoors.push(
      await startCaddy({
        dir: join(cluster.dir, `front-door-${d + 1}`),
        upstreams: cluster.instances.map((x) => `127.0.0.1:${x.port}`),
      }),
    );
  }
  const frontDoors = [cluster.url, ...extraDoors.map((c) => c.url)];
  const workers = Array.from({ length: Math.ceil(most / USERS_PER_WORKER) }, startWorker);
  // User i goes to worker i mod W, and through front door i mod D.
  workers.forEach((w, k) => {
    w.child.send({
      type: 'init',
      users: users.map((u, index) => ({ ...u, index })).filter((u) => u.index % workers.length === k),
      frontDoors,
    } satisfies WorkerCommand);
  });
  opts.log(
    `users: ${users.length} users, ${workers.length} generator processes, ${frontDoors.length} front doors`,
  );
  const steps: UserModelStep[] = [];
  let maxHealthyUsers = 0;
  let firstUnhealthy: UserModelStep | null = null;
  try {
    for (const target of opts.steps) {
      const connectStarted = performance.now();
      const grown = (await Promise.all(
        workers.map((w, k) =>
          w.ask({ type: 'grow', count: Math.max(0, Math.ceil((target - k) / workers.length)) }),
        ),
      )) as Array<Extract<WorkerReply, { type: 'grown' }>>;
      const connectSeconds = (performance.now() - connectStarted) / 1000;
      const connectRetries = grown.reduce((n, g) => n + g.retries, 0);
      const connectFailures = grown.reduce((n, g) => n + g.failures, 0);
      const connected = grown.reduce((n, g) => n + g.connected, 0);
      const ran = (await Promise.all(
        workers.map((w) =>
          w.ask({ type: 'run', seconds: opts.stepSeconds, meanIntervalMs: opts.meanIntervalMs }),
        ),
      )) as Array<Extract<WorkerReply, { type: 'ran' }>>;
      const latencies = ran.flatMap((r) => r.latencies);
      // A user who could not connect is an error of the step too.
      const errors = ran.reduce((n, r) => n + r.errors, 0) + connectFailures;
      const errorKinds: Record<string, number> = {};
      for (const r of ran)
        for (const [k, v] of Object.entries(r.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
      if (connectFailures) errorKinds['connect failed'] = connectFailures;
      const s = summary(latencies);
      const avg = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
      const actions = latencies.length;
      const step: UserModelStep = {
        users: connected,
        connectSeconds: Number(connectSeconds.toFixed(1)),
        connectRetries,
        seconds: opts.stepSeconds,
        actions,
        errors,
        errorKinds,
        avgMs: Math.round(avg),
        p50Ms: Math.round(s.p50),
        p99Ms: Math.round(s.p99),
        healthy:
          connected === target &&
          avg < HEALTH.avgMs &&
          s.p99 < HEALTH.p99Ms &&
          errors / Math.max(1, actions) < HEALTH.errorRate,
      };
      steps.push(step);
      opts.log(
        `users: ${connected}/${target} users (connected in ${step.connectSeconds} s, ${connectRetries} retries, ${connectFailures} failed), ${actions} actions, avg ${step.avgMs} ms, p99 ${step.p99Ms} ms, ${errors} errors ${JSON.stringify(errorKinds)}, ${ran.reduce((n, r) => n + r.disconnected, 0)} dropped → ${step.healthy ? 'healthy' : 'UNHEALTHY'}`,
      );
      if (!step.healthy) {
        firstUnhealthy = step;
        break;
      }
      maxHealthyUsers = target;
    }
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'close' }).catch(() => undefined)));
    for (const door of extraDoors) await door.stop();
  }
  return { steps, maxHealthyUsers, firstUnhealthy };
}
