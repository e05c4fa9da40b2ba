/**
 * `pnpm bench:push [-- --members 5000 --messages 3]` — Web Push fan-out to a big public channel.
 * One instance of the local cluster (PgBouncer, Postgres, Redis) and the local push service
 * (real TLS, VAPID checked, every body decrypted — in this process, on the same machine).
 * M members have level "all" on the channel and one subscribed device each. A sender keeps
 * sending to a room of its own: first as a baseline, then while each of the
 * channel messages fans out (`--rate`, default 20 a second). Reports the sends' latency in both phases (what a fan-out adds to
 * a send), how long each channel message took to reach all M devices, and the queue and push
 * counters from /metrics. Writes loadtest/results/push-fanout-<date>.md.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  LOOPBACK_CERT_ENV,
  makeLoopbackCert,
  REPO_ROOT,
  startCluster,
  startPushStandIn,
} from '@rosterchirp/infra';
import pg from 'pg';
import { provisionUsers } from './lib/bulk-users.ts';
import { BENCH_ENV } from './lib/clients.ts';
import { cpuSeconds, machine, summary, treeCpuSeconds } from './lib/measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    members: { type: 'string', default: '5000' },
    messages: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    'push-rate': { type: 'string', default: '1000' },
    'baseline-seconds': { type: 'string', default: '10' },
    rate: { type: 'string', default: '20' },
  },
});
const MEMBERS = Number(values.members);
const MESSAGES = Number(values.messages);
const CONCURRENCY = values.concurrency;
const PUSH_RATE = values['push-rate'];
const BASELINE_MS = Number(values['baseline-seconds']) * 1000;
const RATE = Number(values.rate);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const certDir = await mkdtemp(join(tmpdir(), 'rc-push-bench-'));
  const cert = makeLoopbackCert(certDir);
  // The instances (children) trust the push service's certificate; the service reads it.
  process.env[LOOPBACK_CERT_ENV] = cert.certFile;
  process.env.NODE_EXTRA_CA_CERTS = cert.certFile;
  const standIn = await startPushStandIn();
  const cluster = await startCluster({
    instances: 1,
    ...(process.env.PUSH_BENCH_PROFILE
      ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.PUSH_BENCH_PROFILE}`] }
      : {}),
    env: {
      ...BENCH_ENV,
      PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true',
      PUSH_CONCURRENCY: CONCURRENCY,
      PUSH_RATE_PER_SECOND: PUSH_RATE,
    },
  });
  const instance = cluster.instances[0]!;
  try {
    const people = await provisionUsers({
      directUrl: cluster.env.DATABASE_DIRECT_URL!,
      jwtSecret: cluster.env.JWT_SECRET!,
      count: MEMBERS + 1,
      prefix: 'push',
      roomSize: 1,
    });
    const [sender, ...members] = people as [(typeof people)[0], ...typeof people];
    const db = new pg.Client({ connectionString: cluster.env.DATABASE_DIRECT_URL });
    await db.connect();
    const channel = (
      await db.query<{ id: number }>(`SELECT id FROM public.groups WHERE type = 'public' LIMIT 1`)
    ).rows[0]!.id;
    const devices = members.map(() => standIn.subscribe());
    await db.query(
      `INSERT INTO public.conversation_prefs (user_id, group_id, level) SELECT u, $2, 'all' FROM unnest($1::int[]) AS u`,
      [members.map((m) => m.userId), channel],
    );
    await db.query(
      `INSERT INTO public.push_subscriptions (user_id, device, endpoint, p256dh, auth)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        members.map((m) => m.userId),
        members.map(() => 'desktop'),
        devices.map((d) => d.endpoint),
        devices.map((d) => d.keys.p256dh),
        devices.map((d) => d.keys.auth),
      ],
    );
    await db.end();
    // The sender's own room (nobody else in it): its sends measure the send path alone.
    const room = sender.roomId;

    const send = async (groupId: number, tag: string) => {
      const started = performance.now();
      const res = await fetch(`${instance.url}/api/groups/${groupId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: `${tag}-${Math.random()}`, content: `${tag} for everyone` }),
      });
      const body = (await res.json()) as { message?: { id: number } };
      if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, id: body.message!.id };
    };
    const sendWhile = async (until: () => boolean, tag: string) => {
      const latencies: number[] = [];
      for (let k = 0; !until(); k++) {
        const { ms } = await send(room, `${tag}-${k}`);
        latencies.push(ms);
        await sleep(Math.max(0, 1000 / RATE - ms));
      }
      return latencies;
    };

    const baselineEnds = Date.now() + BASELINE_MS;
    const baseline = summary(await sendWhile(() => Date.now() > baselineEnds, 'baseline'));

    const cpuBefore = cpuSeconds(instance.pid);
    const dbCpuBefore = treeCpuSeconds(cluster.postgres.pid) + cpuSeconds(cluster.pgbouncer.pid());
    const benchCpuBefore = process.cpuUsage();
    const fanoutStarted = performance.now();
    const during: number[] = [];
    const channelSends: number[] = [];
    const deliveries: Array<{ seconds: number; delivered: number }> = [];
    for (let i = 0; i < MESSAGES; i++) {
      const t0 = performance.now();
      const sent = await send(channel, `channel-${i}`);
      channelSends.push(sent.ms);
      const reached = () => standIn.received.filter((r) => r.payload.messageId === sent.id).length;
      const deadline = Date.now() + 60_000;
      during.push(...(await sendWhile(() => reached() >= MEMBERS || Date.now() > deadline, `during-${i}`)));
      while (reached() < MEMBERS && Date.now() < deadline) await sleep(20);
      deliveries.push({ seconds: (performance.now() - t0) / 1000, delivered: reached() });
    }
    const duringSummary = summary(during);
    const instanceCpu = cpuSeconds(instance.pid) - cpuBefore;
    const dbCpu = treeCpuSeconds(cluster.postgres.pid) + cpuSeconds(cluster.pgbouncer.pid()) - dbCpuBefore;
    const benchUsage = process.cpuUsage(benchCpuBefore);
    const benchCpu = (benchUsage.user + benchUsage.system) / 1e6;
    const fanoutSeconds = (performance.now() - fanoutStarted) / 1000;
    const metrics = await (await fetch(`${instance.url}/metrics`)).text();
    const metricLines = metrics
      .split('\n')
      .filter((l) => /^rosterchirp_(jobs|push_deliveries_total)\{/.test(l))
      .join('\n');
    const invalid = standIn.received.filter((r) => !r.vapidValid).length;

    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const row = (name: string, s: ReturnType<typeof summary>) =>
      `| ${name} | ${s.count} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`;
    const date = new Date().toISOString().slice(0, 10);
    const slowest = Math.max(...deliveries.map((d) => d.seconds));
    const added = duringSummary.p99 - baseline.p99;
    const report = [
      `# Web Push fan-out to ${MEMBERS} devices — ${date}`,
      '',
      `Machine: ${machine()}. One instance of \`pnpm cluster\` (PgBouncer transaction mode, Postgres, Redis);`,
      `the local push service (TLS, VAPID verified, aes128gcm decrypted) and the generator in the same`,
      `process on the same machine. PUSH_CONCURRENCY=${CONCURRENCY}, PUSH_RATE_PER_SECOND=${PUSH_RATE}, 2 fan-out jobs per instance.`,
      `Command: \`pnpm bench:push -- --members ${MEMBERS} --messages ${MESSAGES} --concurrency ${CONCURRENCY} --push-rate ${PUSH_RATE}\`.`,
      '',
      `Sends to a small room at ${RATE}/s over REST (the send path; the channel messages' own sends below):`,
      '',
      '| phase | sends | p50 | p95 | p99 | max |',
      '|---|---|---|---|---|---|',
      row(`baseline (${BASELINE_MS / 1000} s)`, baseline),
      row('while a channel message fans out', duringSummary),
      row('the channel messages themselves', summary(channelSends)),
      '',
      `Fan-out: ${deliveries.map((d, i) => `message ${i + 1}: ${d.delivered}/${MEMBERS} in ${d.seconds.toFixed(1)} s`).join('; ')}.`,
      `Pushes with an invalid VAPID signature: ${invalid}. Instance CPU over the ${fanoutSeconds.toFixed(1)} s of fan-out: ` +
        `${instanceCpu.toFixed(1)} s (${((instanceCpu * 1000) / (MEMBERS * MESSAGES)).toFixed(2)} ms a push, sends included); ` +
        `Postgres + PgBouncer ${dbCpu.toFixed(1)} s; this process (push service decrypting, generator) ${benchCpu.toFixed(1)} s — ` +
        `of ${(fanoutSeconds * 2).toFixed(1)} core-seconds the machine had.`,
      '',
      `Targets: a fan-out adds under 5 ms to the send p99 — ${added < 5 ? 'met' : 'NOT met'} (${added >= 0 ? '+' : ''}${added.toFixed(1)} ms);`,
      `all ${MEMBERS} pushes within 10 s — ${slowest <= 10 && deliveries.every((d) => d.delivered === MEMBERS) ? 'met' : 'NOT met'} (slowest ${slowest.toFixed(1)} s).`,
      '',
      '/metrics afterwards:',
      '',
      '```',
      metricLines,
      '```',
      '',
    ].join('\n');
    process.stdout.write(`${report}\n`);
    await writeFile(join(REPO_ROOT, 'loadtest', 'results', `push-fanout-${date}.md`), report);
  } finally {
    await cluster.stop();
    await standIn.stop();
    await rm(certDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`push bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
