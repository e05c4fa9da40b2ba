/**
 * One generator process of `pnpm bench:connections`: opens its share of idle socket.io
 * connections (straight to the instances, round-robin, source addresses spread over
 * 127.0.0.0/8), reports, holds them until told to close, then exits. A process holds at most
 * what its open-file limit allows, hence several of them.
 */
import { type ChatSocket, connect, sourceAddress } from './clients.ts';

interface Start {
  type: 'start';
  urls: string[];
  token: string;
  count: number;
  offset: number;
}

const held: ChatSocket[] = [];
let disconnects = 0;

process.on('message', async (msg: Start | { type: 'report' } | { type: 'close' }) => {
  if (msg.type === 'start') {
    const connectMs: number[] = [];
    let failures = 0;
    for (let i = 0; i < msg.count; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, msg.count - i) }, async (_, k) => {
          const n = msg.offset + i + k;
          const t = performance.now();
          try {
            const s = await connect(msg.urls[n % msg.urls.length]!, msg.token, sourceAddress(n));
            s.on('disconnect', () => disconnects++);
            held.push(s);
            connectMs.push(performance.now() - t);
          } catch {
            failures++;
          }
        }),
      );
    }
    process.send?.({
      type: 'started',
      held: held.length,
      failures,
      connectMs,
      rssMib: process.memoryUsage().rss / 2 ** 20,
    });
  } else if (msg.type === 'report') {
    const alive = held.filter((s) => s.connected).length;
    process.send?.({ type: 'report', alive, disconnects });
  } else {
    for (const s of held) s.close();
    process.send?.({ type: 'closed' }, () => process.exit(0));
  }
});
