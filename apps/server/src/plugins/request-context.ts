import { readsChosenBy, type TenantDb } from '@rosterchirp/db';
import { type Actor, AppError, type Services } from '@rosterchirp/domain';
import { ERROR_STATUS } from '@rosterchirp/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RateGuards } from '../rate-limits.ts';
import type { RecentWriters } from '../read-your-writes/index.ts';
import type { TenantResolver } from '../tenant-resolver.ts';
import { assertBotRoute } from './bot-scopes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    rateGuards: RateGuards;
    /** preHandler: the request must carry a live session of this tenant. */
    requireUser: (request: FastifyRequest, reply?: FastifyReply) => Promise<void>;
    requireRole: (
      ...roles: Array<Actor['user']['role']>
    ) => (request: FastifyRequest, reply?: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    tenant: TenantDb;
    actor: Actor;
  }
}

export const SESSION_COOKIE = 'rc_session';

/** What a user who must change their password may still do. */
const PASSWORD_CHANGE_ROUTES = new Set([
  'GET /api/auth/me',
  'POST /api/auth/password',
  'POST /api/auth/logout',
]);

/** What an admin who must turn on two-factor sign-in may still do: exactly that. */
const TOTP_ENROLMENT_ROUTES = new Set([
  ...PASSWORD_CHANGE_ROUTES,
  'POST /api/auth/totp/setup',
  'POST /api/auth/totp/enable',
]);

/** Routes that answer on any Host: health for the balancer, and the host control plane. */
const TENANTLESS = /^\/(api\/health|api\/ready|metrics|api\/host\/)/;

function wantsPage(request: FastifyRequest): boolean {
  return (
    request.method === 'GET' &&
    !request.url.startsWith('/api/') &&
    !request.url.startsWith('/socket.io') &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

function tenantErrorPage(err: AppError): string {
  const title = err.code === 'TENANT_SUSPENDED' ? 'Organisation suspended' : 'No organisation here';
  const text = err.message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const next =
    err.code === 'TENANT_SUSPENDED'
      ? 'Your messages are kept. Ask whoever runs your workspace to resume it.'
      : 'Check the address, or ask whoever runs your workspace.';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · RosterChirp</title><style>body{font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#1f2937;background:#f6f7f9}main{max-width:28rem;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}h1{font-size:1.3rem;margin:0 0 .5rem}</style></head><body><main><h1>${title}</h1><p>${text}.</p><p>${next}</p></main></body></html>`;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Bearer header first, then the session cookie, then `?token=` (WebSocket clients). */
export function tokenFrom(request: FastifyRequest, allowQuery: boolean): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) return cookie;
  if (allowQuery) {
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string') return token;
  }
  return undefined;
}

/** Resolves the tenant of every request from Host, and exposes the auth guards. */
export const requestContextPlugin = fp(
  async (
    app: FastifyInstance,
    opts: {
      tenants: TenantResolver;
      services: Services;
      rateGuards: RateGuards;
      /** Given when a read replica is configured: writes are marked, reads consult the marks. */
      recentWriters?: RecentWriters;
    },
  ) => {
    app.decorate('services', opts.services);
    app.decorate('rateGuards', opts.rateGuards);
    app.decorateRequest('tenant', null as unknown as TenantDb);
    app.decorateRequest('actor', null as unknown as Actor);
    app.addHook('onRequest', async (request, reply) => {
      if (TENANTLESS.test(request.url)) return;
      try {
        request.tenant = await opts.tenants.resolve(request.headers.host);
      } catch (err) {
        // A browser asking for a page of an unknown or suspended organisation gets a page.
        if (err instanceof AppError && wantsPage(request)) {
          return reply
            .code(ERROR_STATUS[err.code])
            .type('text/html; charset=utf-8')
            .send(tenantErrorPage(err));
        }
        throw err;
      }
    });
    const { recentWriters } = opts;
    if (recentWriters) {
      app.addHook('onSend', async (request, reply) => {
        if (request.actor && !READ_METHODS.has(request.method) && reply.statusCode < 400) {
          recentWriters.wrote(request.tenant.schema, request.actor.user.id);
        }
      });
    }
    app.decorate('requireUser', async (request: FastifyRequest, reply?: FastifyReply) => {
      const allowQuery = request.url.startsWith('/api/stream');
      request.actor = {
        ...(await opts.services.auth.authenticate(request.tenant, tokenFrom(request, allowQuery))),
        ip: request.ip,
      };
      assertBotRoute(request.actor, request.method, request.routeOptions.url ?? request.url);
      // A generated, default or reset password is changed before anything else is allowed.
      if (
        request.actor.user.mustChangePassword &&
        !PASSWORD_CHANGE_ROUTES.has(`${request.method} ${request.routeOptions.url}`)
      ) {
        throw new AppError('PASSWORD_CHANGE_REQUIRED', 'Choose a new password before you continue');
      }
      const { user } = request.actor;
      if (
        user.role === 'admin' &&
        !user.totpEnabled &&
        !TOTP_ENROLMENT_ROUTES.has(`${request.method} ${request.routeOptions.url}`) &&
        (await opts.services.settings.settingOrDefault(request.tenant, 'require_totp_for_admins'))
      ) {
        throw new AppError(
          'TOTP_ENROLMENT_REQUIRED',
          'Your organisation requires admins to use two-factor sign-in; turn it on to continue',
        );
      }
      // Someone who just wrote reads from the primary (a replica may not have replayed it yet);
      // asked at the request's first replica-eligible read, only when replicas are configured.
      if (recentWriters) {
        const { schema } = request.tenant;
        request.tenant = readsChosenBy(request.tenant, () => recentWriters.recently(schema, user.id));
      }
      // Every line of the request names its tenant and user (one child logger, made once), the
      // "request completed" line (the reply's logger) included.
      request.log = request.log.child({ schema: request.tenant.schema, userId: request.actor.user.id });
      if (reply) reply.log = request.log;
    });
    app.decorate(
      'requireRole',
      (...roles: Array<Actor['user']['role']>) =>
        async (request: FastifyRequest, reply?: FastifyReply) => {
          await app.requireUser(request, reply);
          if (!roles.includes(request.actor.user.role)) {
            throw new AppError('FORBIDDEN', 'You do not have permission to do that');
          }
        },
    );
  },
  { name: 'request-context', dependencies: ['@fastify/cookie'] },
);
