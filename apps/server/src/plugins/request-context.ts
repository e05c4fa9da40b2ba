import type { TenantDb } from '@rosterchirp/db';
import { type Actor, AppError, type Services } from '@rosterchirp/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RateGuards } from '../rate-limits.ts';
import type { TenantResolver } from '../tenant-resolver.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    rateGuards: RateGuards;
    /** preHandler: the request must carry a live session of this tenant. */
    requireUser: (request: FastifyRequest) => Promise<void>;
    requireRole: (...roles: Array<Actor['user']['role']>) => (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    tenant: TenantDb;
    actor: Actor;
  }
}

export const SESSION_COOKIE = 'rc_session';

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
    opts: { tenants: TenantResolver; services: Services; rateGuards: RateGuards },
  ) => {
    app.decorate('services', opts.services);
    app.decorate('rateGuards', opts.rateGuards);
    app.decorateRequest('tenant', null as unknown as TenantDb);
    app.decorateRequest('actor', null as unknown as Actor);
    app.addHook('onRequest', async (request) => {
      request.tenant = await opts.tenants.resolve(request.headers.host);
    });
    app.decorate('requireUser', async (request: FastifyRequest) => {
      const allowQuery = request.url.startsWith('/api/stream');
      request.actor = await opts.services.auth.authenticate(request.tenant, tokenFrom(request, allowQuery));
      request.log = request.log.child({ userId: request.actor.user.id });
    });
    app.decorate(
      'requireRole',
      (...roles: Array<Actor['user']['role']>) =>
        async (request: FastifyRequest) => {
          await app.requireUser(request);
          if (!roles.includes(request.actor.user.role)) {
            throw new AppError('FORBIDDEN', 'You do not have permission to do that');
          }
        },
    );
  },
  { name: 'request-context', dependencies: ['@fastify/cookie'] },
);
