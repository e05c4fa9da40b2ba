import type { ClientToServerEvents, ServerToClientEvents, StreamServerFrame } from '@rosterchirp/protocol';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

/** Clients of a real cluster (separate instance processes), by URL: REST, socket.io, stream. */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A JSON request to an instance or Caddy; never hangs past 10 s. */
export async function http<T>(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export function socketTo(base: string, token: string, reconnection = false): ChatSocket {
  return ioClient(base, {
    transports: ['websocket'],
    auth: { token },
    reconnection,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    forceNew: true,
  });
}

export async function connected(s: ChatSocket): Promise<void> {
  if (s.connected) return;
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}

/** An `/api/stream` connection and every frame it received. */
export function streamTo(base: string, token: string) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const frames: StreamServerFrame[] = [];
  ws.on('message', (raw) => frames.push(JSON.parse(raw.toString()) as StreamServerFrame));
  ws.on('error', () => undefined);
  return { ws, frames };
}
