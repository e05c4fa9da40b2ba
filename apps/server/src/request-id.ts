import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTED = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request's id: the `X-Request-Id` Caddy (or another proxy, or a client) sent when it is a
 * short plain token, else a new UUID — so a header can never flood or forge log lines. Every log
 * line of the request carries it (`reqId`) and the response echoes it.
 */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && ACCEPTED.test(sent) ? sent : randomUUID();
}
