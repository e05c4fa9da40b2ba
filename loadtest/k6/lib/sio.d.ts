// Types of sio.js for the node tests (k6 reads the JavaScript directly).
export type Frame =
  | { kind: 'open'; sid: string; pingInterval: number }
  | { kind: 'ping' }
  | { kind: 'close' }
  | { kind: 'connected'; sid: string }
  | { kind: 'connect_error'; message: string }
  | { kind: 'event'; event: string; data: unknown }
  | { kind: 'ack'; id: number; data: unknown }
  | { kind: 'other'; raw: string };
export function socketIoUrl(baseUrl: string): string;
export function connectFrame(token: string): string;
export function eventFrame(event: string, data: unknown, ackId?: number): string;
export function decodeFrame(raw: string): Frame;
export function replyTo(frame: Frame): string | null;
export function deliveryLatencyMs(message: { createdAt: string }, nowMs: number): number;
