/**
 * `pnpm bench:chaos [-- --rooms 10 --room-size 10 --rate 40]` — nothing acknowledged may be
 * lost on anybody's screen, whatever breaks. The local cluster (2 instances behind Caddy,
 * PgBouncer, Postgres, Redis) under steady chat: members follow their room on socket.io through
 * Caddy the way docs/API.md says (live events, gap detection, `sync:required`, catch-up after a
 * reconnect); one sender per room sends over REST with retries of the same clientId. Meanwhile:
 * Redis is down for 3 s, PgBouncer restarts, Postgres restarts (fast shutdown) and an instance is
 * SIGKILLed and started again. Counted from the receivers' side, without any forced final
 * catch-up: for every acknowledged message, every member has it — goal 0 missing — and no
 * message is stored twice. Writes loadtest/results/chaos-<date>.md.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PG_TYPES } from '@rosterchirp/db';
import { REPO_ROOT, startCluster } from '@rosterchirp/infra';
import type { Message } from '@rosterchirp/protocol';
import pg from 'pg';
import { provisionUsers } from './lib/bulk-users.ts';
import { BENCH_ENV } from './lib/clients.ts';
import { ConversationFollower, type FollowerCounters } from './lib/conversation-follower.ts';
import { machine } from './lib/measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    rooms: { type: 'string', default: '10' },
    'room-size': { type: 'string', default: '10' },
    rate: { type: 'string', default: '40' },
  },
});
const ROOMS = Number(values.rooms);
const ROOM_SIZE = Number(values['room-size']);
const RATE = Number(values.rate);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
const log = (msg: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

async function main() {
  const cluster = await startCluster({ instances: 2, env: { ...BENCH_ENV, PRESENCE_TTL_MS: '6000' } });
  const counters: FollowerCounters = { reconnects: 0, syncs: 0, gaps: 0, fetches: 0 };
  try {
    const people = await provisionUsers({
      directUrl: cluster.env.DATABASE_DIRECT_URL!,
      jwtSecret: cluster.env.JWT_SECRET!,
      count: ROOMS * ROOM_SIZE,
      prefix: 'chaos',
      roomSize: ROOM_SIZE,
    });
    const followers = people.map((p) => new ConversationFollower(cluster.url, p.token, p.roomId, counters));
    await Promise.all(followers.map((f) => f.connected()));
    log(`${followers.length} members connected in ${ROOMS} rooms`);

    const senders = people.filter((_, i) => i % ROOM_SIZE === 0);
    const acked = new Map<string, { id: number; roomId: number }>();
    let attempts = 0;
    let refusals = 0;
    let gaveUp = 0;
    const sendOnce = async (s: (typeof senders)[number], clientId: string) => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        attempts++;
        const res = await fetch(`${cluster.url}/api/groups/${s.roomId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientId, content: clientId }),
          signal: AbortSignal.timeout(10_000),
        }).catch(() => null);
        if (res?.status === 201) {
          const { message } = (await res.json()) as { message: Message };
          acked.set(clientId, { id: message.id, roomId: s.roomId });
          return;
        }
        refusals++;
        await res?.arrayBuffer().catch(() => undefined);
        await sleep(200);
      }
      gaveUp++;
    };

    const faults: Array<{ at: number; name: string; run: () => Promise<void> }> = [
      {
        at: 5,
        name: 'Redis down for 3 s',
        run: () => cluster.redis.restart(3000),
      },
      { at: 15, name: 'PgBouncer restart', run: () => cluster.pgbouncer.restart() },
      { at: 25, name: 'Postgres restart (fast shutdown)', run: () => cluster.postgres.restart() },
      {
        at: 35,
        name: 'instance api-1 SIGKILLed, started again',
        run: async () => {
          const victim = cluster.instances[0]!;
          victim.child.kill('SIGKILL');
          await victim.exited.catch(() => undefined);
          await cluster.restartInstance(0);
        },
      },
    ];
    const timeline: string[] = [];
    const loadStart = Date.now();
    const runFaults = (async () => {
      for (const f of faults) {
        await sleep(Math.max(0, loadStart + f.at * 1000 - Date.now()));
        const t0 = Date.now();
        log(`fault: ${f.name}`);
        await f.run();
        timeline.push(`${f.at} s: ${f.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
    })();
    const SECONDS = 45;
    const pending: Array<Promise<void>> = [];
    const interval = (1000 * senders.length) / RATE;
    let n = 0;
    while (Date.now() - loadStart < SECONDS * 1000) {
      for (const s of senders) pending.push(sendOnce(s, `chaos-${s.roomId}-${n++}`));
      await sleep(interval);
    }
    await runFaults;
    await Promise.all(pending);
    log(`load done: ${acked.size} acknowledged of ${n}; settling`);
    // Live delivery settles; gap fills have their grace. No forced catch-up.
    await sleep(5000);

    const db = new pg.Client({ connectionString: cluster.env.DATABASE_DIRECT_URL!, types: PG_TYPES });
    await db.connect();
    const { rows } = await db.query<{ client_id: string; n: number }>(
      "SELECT client_id, count(*)::int AS n FROM public.messages WHERE client_id LIKE 'chaos-%' GROUP BY client_id",
    );
    await db.end();
    const storedTwice = rows.filter((r) => r.n > 1).length;
    const storedIds = new Set(rows.map((r) => r.client_id));
    const ackedButNotStored = [...acked.keys()].filter((c) => !storedIds.has(c)).length;
    let missing = 0;
    const byRoom = new Map<number, number[]>();
    for (const { id, roomId } of acked.values()) byRoom.set(roomId, [...(byRoom.get(roomId) ?? []), id]);
    let overlaps = 0;
    for (const f of followers) {
      overlaps += f.overlaps;
      for (const id of byRoom.get(f.groupId) ?? []) if (!f.messages.has(id)) missing++;
      f.close();
    }

    const date = new Date().toISOString().slice(0, 10);
    const report = [
      `# Chaos under chat load — ${date}`,
      '',
      `Machine: ${machine()}. \`pnpm cluster\` topology: 2 instances behind Caddy, PgBouncer (transaction`,
      `mode), Postgres, Redis; generator on the same machine. ${followers.length} members in ${ROOMS} rooms of`,
      `${ROOM_SIZE} on socket.io through Caddy, following docs/API.md (gap detection, sync:required,`,
      `catch-up after reconnect); one REST sender per room, ${RATE} sends/s in total for ${SECONDS} s,`,
      'retrying the same clientId until 201. Command: `pnpm bench:chaos`.',
      '',
      'Faults:',
      ...timeline.map((t) => `- ${t}`),
      '',
      '| measure | value |',
      '|---|---|',
      `| sends (distinct) / acknowledged / gave up after 60 s | ${n} / ${acked.size} / ${gaveUp} |`,
      `| attempts refused or failed during faults (then retried) | ${refusals} of ${attempts} |`,
      `| acknowledged but not stored | ${ackedButNotStored} |`,
      `| stored twice (same clientId) | ${storedTwice} |`,
      `| (member, acknowledged message) pairs **missing** at the end | **${missing}** of ${[...acked.values()].length * ROOM_SIZE} |`,
      `| reconnects / sync:required heard / gaps detected / changes fetches | ${counters.reconnects} / ${counters.syncs} / ${counters.gaps} / ${counters.fetches} |`,
      `| live and catch-up overlapping (the same message twice, shown once) | ${overlaps} |`,
      '',
      `Goal: 0 missing, 0 stored twice, 0 acknowledged but not stored — ${
        missing === 0 && storedTwice === 0 && ackedButNotStored === 0 ? 'met' : 'NOT met'
      }.`,
      '',
    ].join('\n');
    process.stdout.write(`\n${report}\n`);
    await writeFile(join(REPO_ROOT, 'loadtest', 'results', `chaos-${date}.md`), report);
    if (missing || storedTwice || ackedButNotStored) process.exitCode = 1;
  } finally {
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
