import { Agent, request } from 'node:http';
import type { ClientToServerEvents, ServerToClientEvents } from '@rosterchirp/protocol';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function json<T>(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * HTTP for benchmarks: node:http over kept-alive connections, a fraction of fetch's CPU per
 * request (the generator shares the box with the servers it measures).
 */
export function restSender(base: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(base);
  /** Sends JSON (when a body is given) and answers the status and the body's text. */
  const send = (method: string, path: string, token: string, body?: unknown) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          agent,
          hostname,
          port,
          path,
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  };
  return {
    send,
    /** POSTs JSON and answers the status. */
    post: async (path: string, token: string, body: unknown): Promise<number> =>
      (await send('POST', path, token, body)).status,
    close: () => agent.destroy(),
  };
}

/**
 * A socket.io client over WebSocket. `localAddress` spreads client sockets over 127.0.0.0/8 so
 * tens of thousands of connections do not exhaust one source address's ephemeral ports.
 */
export async function connect(base: string, token: string, localAddress?: string): Promise<ChatSocket> {
  const s: ChatSocket = io(base, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
    ...(localAddress ? { localAddress } : {}),
  } as Parameters<typeof io>[1]);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

/** The product's two realtime transports: socket.io (the web client) and `/api/stream`. */
export type Transport = 'socketio' | 'stream';
export const TRANSPORT_LABEL: Record<Transport, string> = { socketio: 'socket.io', stream: '/api/stream' };

/** An open `/api/stream` connection of a benchmark. */
export interface StreamClient {
  readonly connected: boolean;
  readonly ws: WebSocket;
  close(): void;
}

/**
 * An `/api/stream` client (plain WebSocket), resolved once the server's hello arrives (the
 * connection is in its rooms by then). `onEvent` hears the frames of one event type, told apart
 * by the frame's opening bytes, without parsing them: the generator shares the box.
 */
export async function connectStream(
  base: string,
  token: string,
  opts: { localAddress?: string; event?: string; onEvent?: () => void } = {},
): Promise<StreamClient> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/stream?token=${encodeURIComponent(token)}`, {
    perMessageDeflate: false,
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const { onEvent } = opts;
  if (onEvent) {
    const prefix = Buffer.from(`{"type":${JSON.stringify(opts.event ?? 'message:new')}`);
    ws.on('message', (raw: Buffer) => {
      if (raw.subarray(0, prefix.length).equals(prefix)) onEvent();
    });
  }
  return {
    ws,
    get connected() {
      return ws.readyState === WebSocket.OPEN;
    },
    close: () => ws.terminate(),
  };
}

/** 127.0.0.2 … 127.0.0.250, round-robin. */
export const sourceAddress = (i: number) => `127.0.0.${2 + (i % 249)}`;

/**
 * Benchmarks open thousands of connections from a few loopback addresses (and the user model
 * reuses tokens): the per-user and per-address connection caps are lifted for them.
 */
export const BENCH_CONNECTION_LIMITS = {
  MAX_CONNECTIONS_PER_USER: '100000',
  MAX_CONNECTIONS_PER_ADDRESS: '1000000',
};

/** What a benchmark's instances run with: caps and rate limits lifted, quiet logs. */
export const BENCH_ENV = {
  ...BENCH_CONNECTION_LIMITS,
  RATE_LIMIT_SEND_PER_10S: '1000000',
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
  LOG_LEVEL: 'warn',
};
