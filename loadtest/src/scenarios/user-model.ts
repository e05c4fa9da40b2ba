import type { Cluster } from '@rosterchirp/infra';
import { provisionUsers } from '../lib/bulk-users.ts';
import { type ChatSocket, connect, sourceAddress } from '../lib/clients.ts';
import { summary } from '../lib/measure.ts';

/**
 * Mattermost's ceiling-test user model: every connected user does one action every ~20 s
 * (exponentially spaced) — post in their channel, view its history, list their channels or
 * mark it read — while holding a live WebSocket. Steps up the user count and keeps the largest
 * step that passes Mattermost's health rule: average action latency < 100 ms, p99 < 2 s,
 * errors < 0.025 %. (Mattermost reports 217 users on a 2-vCPU app node.)
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
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  healthy: boolean;
}

type Action = 'post' | 'view' | 'list' | 'read';
const MIX: Array<[Action, number]> = [
  ['post', 0.4],
  ['view', 0.4],
  ['list', 0.15],
  ['read', 0.05],
];

function pickAction(): Action {
  let r = Math.random();
  for (const [a, p] of MIX) {
    r -= p;
    if (r <= 0) return a;
  }
  return 'view';
}

export async function runUserModel(
  cluster: Cluster,
  opts: { steps: number[]; stepSeconds: number; meanIntervalMs: number; log: (m: string) => void },
): Promise<{ steps: UserModelStep[]; maxHealthyUsers: number; firstUnhealthy: UserModelStep | null }> {
  const base = cluster.url;
  const users = await provisionUsers({
    directUrl: cluster.env.DATABASE_DIRECT_URL!,
    jwtSecret: cluster.env.JWT_SECRET!,
    count: Math.max(...opts.steps),
    prefix: 'model',
    roomSize: 20,
  });
  const sockets: ChatSocket[] = [];
  const steps: UserModelStep[] = [];
  const lastSeen = new Map<number, number>();
  const act = async (u: (typeof users)[number], picked: Action, n: number): Promise<boolean> => {
    let action = picked;
    const headers = { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' };
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    const seen = lastSeen.get(u.userId);
    if (action === 'read' && seen === undefined) action = 'view';
    if (action === 'post') {
      const res = await call('POST', `/api/groups/${u.roomId}/messages`, {
        clientId: `model-${u.userId}-${n}`,
        content: `hello from user ${u.userId} (${n})`,
      });
      if (res.ok) lastSeen.set(u.userId, ((await res.json()) as { message: { id: number } }).message.id);
      else await res.arrayBuffer();
      return res.ok;
    }
    if (action === 'view') {
      const res = await call('GET', `/api/groups/${u.roomId}/messages?limit=50`);
      if (!res.ok) {
        await res.arrayBuffer();
        return false;
      }
      const newest = ((await res.json()) as { messages: Array<{ id: number }> }).messages.at(-1);
      if (newest) lastSeen.set(u.userId, newest.id);
      return true;
    }
    const res =
      action === 'list'
        ? await call('GET', '/api/groups')
        : await call('POST', `/api/groups/${u.roomId}/read`, { messageId: seen });
    await res.arrayBuffer();
    return res.ok;
  };
  let counter = 0;
  let maxHealthyUsers = 0;
  let firstUnhealthy: UserModelStep | null = null;
  for (const target of opts.steps) {
    const connectStarted = performance.now();
    let connectRetries = 0;
    // Like a real client, a refused handshake (UNAVAILABLE while the servers are busy) is retried.
    const connectWithRetry = async (token: string, address: string): Promise<ChatSocket> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await connect(base, token, address);
        } catch (err) {
          if (attempt === 5) throw err;
          connectRetries++;
          await new Promise((r) => setTimeout(r, 250 * attempt));
        }
      }
    };
    for (let i = sockets.length; i < target; i += 200) {
      const batch = users.slice(i, Math.min(target, i + 200));
      sockets.push(
        ...(await Promise.all(batch.map((u, k) => connectWithRetry(u.token, sourceAddress(i + k))))),
      );
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const active = users.slice(0, target);
    const latencies: number[] = [];
    let errors = 0;
    const inFlight = new Set<Promise<void>>();
    const end = Date.now() + opts.stepSeconds * 1000;
    const nextAt = active.map(() => Date.now() + Math.random() * opts.meanIntervalMs);
    while (Date.now() < end) {
      const now = Date.now();
      for (let i = 0; i < active.length; i++) {
        if (nextAt[i]! > now) continue;
        nextAt[i] = now - Math.log(1 - Math.random()) * opts.meanIntervalMs;
        const t = performance.now();
        const p = act(active[i]!, pickAction(), counter++)
          .then((ok) => {
            latencies.push(performance.now() - t);
            if (!ok) errors++;
          })
          .catch(() => {
            errors++;
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inFlight);
    const s = summary(latencies);
    const avg = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
    const actions = latencies.length;
    const step: UserModelStep = {
      users: target,
      connectSeconds: Number(connectSeconds.toFixed(1)),
      connectRetries,
      seconds: opts.stepSeconds,
      actions,
      errors,
      avgMs: Math.round(avg),
      p50Ms: Math.round(s.p50),
      p99Ms: Math.round(s.p99),
      healthy: avg < HEALTH.avgMs && s.p99 < HEALTH.p99Ms && errors / Math.max(1, actions) < HEALTH.errorRate,
    };
    steps.push(step);
    opts.log(
      `users: ${target} users (connected in ${step.connectSeconds} s, ${connectRetries} retries), ${actions} actions, avg ${step.avgMs} ms, p99 ${step.p99Ms} ms, ${errors} errors → ${step.healthy ? 'healthy' : 'UNHEALTHY'}`,
    );
    if (!step.healthy) {
      firstUnhealthy = step;
      break;
    }
    maxHealthyUsers = target;
  }
  for (const s of sockets) s.close();
  return { steps, maxHealthyUsers, firstUnhealthy };
}
