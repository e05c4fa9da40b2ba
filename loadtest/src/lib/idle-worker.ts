/**
 * One generator process of `pnpm bench:connections`: opens its share of idle socket.io
 * connections (straight to the instances, round-robin, source addresses spread over
 * 127.0.0.0/8), reports, holds them until told to close, then exits. A process holds at most
 * what its open-file limit allows, hence several of them.
 */
import { connect, connectStream, sourceAddress, type Transport } from './clients.ts';

interface Start {
  type: 'start';
  urls: string[];
  token: string;
  count: number;
  offset: number;
  /** `socketio` (the web client's transport) or `stream` (`/api/stream`, plain WebSocket). */
  transport: Transport;
}

/** What the worker needs of either kind of held connection. */
interface Held {
  readonly connected: boolean;
  close(): void;
}

const held: Held[] = [];
let disconnects = 0;

async function openSocketIo(url: string, token: string, localAddress: string): Promise<Held> {
  const s = await connect(url, token, localAddress);
  s.on('disconnect', () => disconnects++);
  return {
    get connected() {
      return s.connected;
    },
    close: () => s.close(),
  };
}

async function openStream(url: string, token: string, localAddress: string): Promise<Held> {
  const stream = await connectStream(url, token, { localAddress });
  stream.ws.on('close', () => disconnects++);
  return stream;
}

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
            const open = msg.transport === 'stream' ? openStream : openSocketIo;
            held.push(await open(msg.urls[n % msg.urls.length]!, msg.token, sourceAddress(n)));
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
