import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@rosterchirp/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { findNul, NUL_MESSAGE } from '../nul-bytes.ts';
import { SESSION_COOKIE } from './request-context.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Security headers on every response: a CSP without inline script or foreign frames, nosniff,
 * a strict referrer policy. HSTS is Caddy's job (it knows when the site is HTTPS); the instance
 * may be reached over plain HTTP on a private network.
 * `connectOrigins` are where the browser may upload and read images (the S3 endpoint).
 */
export function installSecurityHeaders(app: FastifyInstance, connectOrigins: string[]): void {
  const headers = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Preact sets style properties and the tenant error page carries a small <style>.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Images: ours, S3 signed URLs and link-preview pictures from anywhere (never script).
        imgSrc: ["'self'", 'data:', 'blob:', 'https:', ...connectOrigins],
        connectSrc: ["'self'", 'ws:', 'wss:', ...connectOrigins],
        fontSrc: ["'self'", 'data:'],
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        frameSrc: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
    // Images are read across origins by the installed app's service worker and by S3 redirects.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
}

/**
 * The headers helmet sets for a configuration, computed once. (@fastify/helmet builds helmet's
 * middleware, parsing every CSP directive, on each request: measurable on the send path.)
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const capture = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({ headers: {} } as IncomingMessage, capture as unknown as ServerResponse, () => undefined);
  return headers;
}

function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser, or a same-origin request of an old one
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function bodyTypeAllowed(request: FastifyRequest, type: string): boolean {
  if (type === 'application/json') return true;
  const path = request.url.split('?')[0] ?? '';
  if (type === 'multipart/form-data') return path === '/api/uploads/direct';
  // Twilio's webhook is form-encoded, carries no cookie and is checked by its signature.
  if (type === 'application/x-www-form-urlencoded') return path === '/api/sms/inbound';
  return request.method === 'PUT' && path.startsWith('/api/uploads/') && type.startsWith('image/');
}

/**
 * Cross-site request forgery: a write carried by the session cookie must come from the tenant's
 * own origin (`Sec-Fetch-Site: same-origin`, or an `Origin` naming this host — a sibling
 * tenant's subdomain is another site). Bearer tokens are never sent by a browser on its own, so
 * they are exempt. Bodies must be JSON (uploads aside) even when empty: a `text/plain` POST is
 * the classic form-free CSRF vector.
 */
export function installRequestGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [location, value] of [
      ['body', request.body],
      ['querystring', request.query],
      ['params', request.params],
    ] as const) {
      const field = findNul(value);
      if (field !== undefined) {
        throw new AppError('VALIDATION_FAILED', `${field} ${NUL_MESSAGE}`, { field, location });
      }
    }
  });
  app.addHook('onRequest', async (request) => {
    if (!WRITES.has(request.method) || !request.url.startsWith('/api/')) return;
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type && !bodyTypeAllowed(request, type)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
    }
    const bearer = request.headers.authorization?.startsWith('Bearer ');
    const cookie = (request.headers.cookie ?? '').includes(`${SESSION_COOKIE}=`);
    if (!bearer && cookie && !sameOrigin(request)) {
      throw new AppError('FORBIDDEN', 'Cross-site request refused: send it from this workspace’s own page');
    }
  });
}
