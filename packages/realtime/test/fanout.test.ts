/**
 * The fan-out contract over every adapter the product can run: socket.io's memory adapter (one
 * instance) and the sharded and classic Redis adapters (two instances over a real redis-server,
 * and over a 3-master Redis Cluster), each with socket.io clients and bridged `/api/stream`
 * connections as listeners.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import { REDIS_KINDS, type RedisHandle } from '@rosterchirp/infra';
import { connectRedis, type RedisClient } from '@rosterchirp/redis';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { createRedisFanoutAdapter, type FanoutAdapterKind } from '../src/redis-fanout.ts';
import { createSocketIoBus } from '../src/socket-io-bus.ts';
import { bridgeStream } from '../src/stream-bridge.ts';
import { type FanoutNode, type FanoutWorld, fanoutContract, type Recipient } from './fanout.contract.ts';

interface NodeHandle {
  node: FanoutNode;
  close(): Promise<void>;
}

async function startNode(adapter?: ReturnType<typeof createRedisFanoutAdapter>): Promise<NodeHandle> {
  const http: HttpServer = createServer();
  const io = new Server(http, adapter ? { adapter } : {});
  // A socket.io client names its rooms in the handshake; it is told "ready" once it is in them.
  io.on('connection', async (socket) => {
    await socket.join((socket.handshake.auth as { rooms: string[] }).rooms);
    socket.emit('contract:ready' as never);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const node: FanoutNode = {
    bus: createSocketIoBus(io),
    async socketIn(rooms) {
      const heard: Recipient['heard'] = [];
      let closed = false;
      const client = connectClient(url, { transports: ['websocket'], auth: { rooms }, reconnection: false });
      client.onAny((event: string, data: unknown) => {
        if (event !== 'contract:ready') heard.push({ event, data: data ?? {} });
      });
      client.on('disconnect', () => {
        closed = true;
      });
      await new Promise<void>((resolve, reject) => {
        client.once('contract:ready', () => resolve());
        client.once('connect_error', reject);
      });
      return {
        heard,
        get closed() {
          return closed;
        },
        async detach() {
          client.close();
        },
      };
    },
    async streamIn(rooms) {
      const heard: Recipient['heard'] = [];
      let closed = false;
      const bridged = bridgeStream(
        io.of('/'),
        {
          send: (frame) => {
            const { type, data } = JSON.parse(frame.toString()) as { type: string; data: unknown };
            heard.push({ event: type, data });
          },
          close: () => {
            closed = true;
            bridged.detach();
          },
        },
        rooms,
      );
      // Joining is asynchronous with the Redis adapters (a subscription per room).
      await bridged.ready;
      return {
        heard,
        get closed() {
          return closed;
        },
        async detach() {
          bridged.detach();
        },
      };
    },
  };
  return {
    node,
    async close() {
      io.close();
      await new Promise((r) => http.close(() => r(undefined)));
    },
  };
}

fanoutContract('memory adapter, one instance', async () => {
  const one = await startNode();
  return { nodes: [one.node], close: () => one.close() } satisfies FanoutWorld;
});

// Classic pub/sub on a Redis Cluster is broadcast to every node and, published through a
// cluster client to any node, loses its order: the product refuses that pair (FANOUT_ADAPTER).
const pairs = REDIS_KINDS.flatMap((redisKind) =>
  (['sharded', 'classic'] satisfies FanoutAdapterKind[])
    .filter((kind) => kind === 'sharded' || redisKind.name === 'real redis-server')
    .map((kind) => ({ redisKind, kind })),
);
for (const { redisKind, kind } of pairs) {
  describe(`${kind} Redis adapter (${redisKind.name})`, () => {
    let redis: RedisHandle;
    before(async () => {
      redis = await redisKind.start();
    });
    after(async () => {
      await redis?.stop();
    });
    fanoutContract(`${kind} Redis adapter, two instances`, async () => {
      const clients: RedisClient[] = [];
      const redisPair = async () => {
        const pair = [
          connectRedis(redis, { role: 'pub' }),
          connectRedis(redis, { role: 'sub', shardedSubscriber: kind === 'sharded' }),
        ] as const;
        clients.push(...pair);
        // Connected before the adapter subscribes, as in the server (ioredis 5.11 sends CLIENT
        // SETINFO on connect, which a connection already in subscriber mode refuses).
        await Promise.all(pair.map((c) => new Promise((r) => c.once('ready', r))));
        return pair;
      };
      const nodes = [
        await startNode(createRedisFanoutAdapter(...(await redisPair()), kind)),
        await startNode(createRedisFanoutAdapter(...(await redisPair()), kind)),
      ];
      return {
        nodes: nodes.map((n) => n.node),
        async close() {
          for (const n of nodes) await n.close();
          for (const c of clients) c.disconnect();
        },
      } satisfies FanoutWorld;
    });
  });
}
