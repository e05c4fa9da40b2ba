import type { IncomingMessage } from 'node:http';
import type { Config } from '@rosterchirp/config';
import pino, { type DestinationStream, type Logger } from 'pino';

/** Query parameters that carry credentials (`/api/stream?token=…`, `/api/calendar.ics?token=…`). */
const SECRET_QUERY = /([?&](?:token|access_token|key|secret|code|password)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** Fastify's request line without credentials in the query string. */
function serializeRequest(req: IncomingMessage & { ip?: string; socket?: { remotePort?: number } }) {
  return {
    method: req.method,
    url: redactUrl(req.url ?? ''),
    host: req.headers?.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** Secrets that may sit in bodies, headers or objects we log; none reaches a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-host-admin-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.adminPassword',
  '*.adminKey',
  '*.token',
  '*.totp',
  '*.recoveryCode',
  '*.secret',
  'headers.authorization',
  'headers.cookie',
  'headers["x-host-admin-key"]',
];

/** The one logger: JSON lines, secrets redacted, bound to the instance. */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'instanceId'>,
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { instance: config.instanceId },
      serializers: { req: serializeRequest },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
