import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, type TenantProvisioning, toTenant } from '@rosterchirp/domain';
import {
  AuditQuery,
  AuditReply,
  CreateTenantBody,
  CreateTenantReply,
  DomainCheckQuery,
  MoveTenantBody,
  MoveTenantReply,
  PatchTenantBody,
  ShardsReply,
  SlugParams,
  TenantReply,
  TenantsReply,
} from '@rosterchirp/protocol';
import type { HostAudit, TenantCatalog, TenantRow } from '@rosterchirp/store';
import { normalizeHost } from '@rosterchirp/tenant-cache';
import type { FastifyRequest } from 'fastify';
import { MoveError, type MoveReport } from '../tenant-move.ts';
import type { TenantResolver } from '../tenant-resolver.ts';

export interface HostRouteOptions {
  hostDomain: string;
  adminKey: string;
  catalog: TenantCatalog;
  audit: HostAudit;
  provisioning: TenantProvisioning;
  tenants: TenantResolver;
  /** The database clusters tenants may live on (`main` and SHARDS). */
  shardNames: () => string[];
  /** Moves a tenant to another shard online (tenant-move.ts). */
  moveTenant: (slug: string, shard: string) => Promise<MoveReport>;
}

/** A refused or undone move as the documented error (the control plane shows its message). */
function moveFailure(err: unknown): unknown {
  if (!(err instanceof MoveError)) return err;
  switch (err.kind) {
    case 'not-found':
      return new AppError('NOT_FOUND', err.message);
    case 'bad-shard':
      return new AppError('VALIDATION_FAILED', err.message, { field: 'shard' });
    case 'conflict':
      return new AppError('CONFLICT', err.message);
    default:
      return new AppError('UNAVAILABLE', `The move was undone, nothing changed: ${err.message}; try again`);
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The host audit action of a control-plane route (its refused inputs are audited too). */
    auditAction?: string;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Host control plane (docs/API.md): on `{HOST_DOMAIN}` only, every call needs `X-Host-Admin-Key`. */
export const hostRoutes: FastifyPluginAsyncTypebox<HostRouteOptions> = async (app, opts) => {
  const keyDigest = digest(opts.adminKey);
  const { rateGuards } = app;

  /** Both sides hashed to 32 bytes, so the compare takes the same time whatever was sent. */
  const keyMatches = (sent: unknown) => typeof sent === 'string' && timingSafeEqual(digest(sent), keyDigest);

  const audit = async (
    req: FastifyRequest,
    action: string,
    slug: string | null,
    outcome: string,
    details = {},
  ) => {
    req.log.info({ audit: action, tenant: slug, outcome, ...details }, 'host control plane');
    auditedRequests.add(req);
    await opts.audit.record({ action, slug, outcome, ip: req.ip, details });
  };
  const auditedRequests = new WeakSet<FastifyRequest>();

  /** Input refused before a change ran (schema or NUL checks) is audited as a refusal too. */
  app.addHook('onError', async (req, _reply, err) => {
    const action = req.routeOptions.config?.auditAction;
    const refusedInput =
      (err as { validation?: unknown }).validation !== undefined ||
      (err instanceof AppError && err.code === 'VALIDATION_FAILED');
    if (!action || !refusedInput || auditedRequests.has(req)) return;
    const { adminPassword: _secret, ...shown } = (req.body ?? {}) as Record<string, unknown>;
    const slug =
      (req.params as { slug?: string }).slug ?? (typeof shown.slug === 'string' ? shown.slug : null);
    await audit(req, action, slug, `refused: ${err.message}`, shown).catch((auditErr: unknown) =>
      req.log.error({ err: auditErr }, 'host audit failed'),
    );
  });

  /** Runs a change and audits it either way: 'ok', or 'failed: <why>' and the error goes on. */
  const audited = async <T>(
    req: FastifyRequest,
    action: string,
    slug: string,
    details: object,
    change: () => Promise<T>,
  ): Promise<T> => {
    try {
      const result = await change();
      await audit(req, action, slug, 'ok', details);
      return result;
    } catch (err) {
      await audit(req, action, slug, `failed: ${(err as Error).message}`, details);
      throw err;
    }
  };

  const requireAdmin = async (req: FastifyRequest) => {
    if (!opts.tenants.isControlPlane(req.headers.host)) {
      throw new AppError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`);
    }
    await rateGuards.hostAdmin(req.ip);
    if (!keyMatches(req.headers['x-host-admin-key'])) {
      await audit(req, `${req.method} ${req.routeOptions.url}`, null, 'refused: wrong or missing admin key');
      await rateGuards.hostAdminFailed(req.ip);
      throw new AppError('UNAUTHENTICATED', 'Send the host admin key in the X-Host-Admin-Key header');
    }
  };

  const view = (req: FastifyRequest, row: TenantRow) => {
    // Sign-in URLs in the scheme and port the control plane itself was reached on.
    const port = /:(\d+)$/.exec(req.headers.host ?? '')?.[1];
    return toTenant(row, opts.hostDomain, (host) => `${req.protocol}://${host}${port ? `:${port}` : ''}`);
  };

  app.get(
    '/api/host/tenants',
    { onRequest: requireAdmin, schema: { response: { 200: TenantsReply } } },
    async (req) => ({ tenants: (await opts.catalog.list()).map((row) => view(req, row)) }),
  );

  app.post(
    '/api/host/tenants',
    {
      onRequest: requireAdmin,
      config: { auditAction: 'tenant.create' },
      schema: { body: CreateTenantBody, response: { 201: CreateTenantReply } },
    },
    async (req, reply) => {
      const { adminPassword: _secret, ...shown } = req.body;
      const { tenant, adminPassword } = await audited(req, 'tenant.create', req.body.slug, shown, () =>
        opts.provisioning.create(req.body),
      );
      return reply.status(201).send({ tenant: view(req, tenant), adminPassword });
    },
  );

  app.patch(
    '/api/host/tenants/:slug',
    {
      onRequest: requireAdmin,
      config: { auditAction: 'tenant.update' },
      schema: { params: SlugParams, body: PatchTenantBody, response: { 200: TenantReply } },
    },
    async (req) => {
      const tenant = await audited(req, 'tenant.update', req.params.slug, req.body, () =>
        opts.provisioning.update(req.params.slug, req.body),
      );
      return { tenant: view(req, tenant) };
    },
  );

  app.delete(
    '/api/host/tenants/:slug',
    { onRequest: requireAdmin, config: { auditAction: 'tenant.delete' }, schema: { params: SlugParams } },
    async (req, reply) => {
      await audited(req, 'tenant.delete', req.params.slug, {}, () =>
        opts.provisioning.remove(req.params.slug),
      );
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/host/shards',
    { onRequest: requireAdmin, schema: { response: { 200: ShardsReply } } },
    async () => {
      const counts = await opts.catalog.countByShard();
      return { shards: opts.shardNames().map((name) => ({ name, tenants: counts[name] ?? 0 })) };
    },
  );

  app.post(
    '/api/host/tenants/:slug/move',
    {
      onRequest: requireAdmin,
      config: { auditAction: 'tenant.move' },
      schema: { params: SlugParams, body: MoveTenantBody, response: { 200: MoveTenantReply } },
    },
    async (req) => {
      const report = await audited(req, 'tenant.move', req.params.slug, req.body, async () => {
        try {
          return await opts.moveTenant(req.params.slug, req.body.shard);
        } catch (err) {
          throw moveFailure(err);
        }
      });
      const row = await opts.catalog.bySlug(req.params.slug);
      if (!row) throw new AppError('NOT_FOUND', `No tenant "${req.params.slug}"`);
      const { from, to, tables, rows, readOnlyMs, totalMs } = report;
      return { tenant: view(req, row), move: { from, to, tables, rows, readOnlyMs, totalMs } };
    },
  );

  app.get(
    '/api/host/audit',
    { onRequest: requireAdmin, schema: { querystring: AuditQuery, response: { 200: AuditReply } } },
    async (req) => {
      const rows = await opts.audit.recent(req.query.limit ?? 100, req.query.slug);
      return { entries: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
    },
  );

  /** Caddy's on-demand TLS `ask`: called from the proxy with no key, on any Host. */
  app.get('/api/host/domain-check', { schema: { querystring: DomainCheckQuery } }, async (req, reply) => {
    const domain = normalizeHost(req.query.domain);
    let known = domain === opts.hostDomain;
    if (!known) {
      try {
        known = (await opts.tenants.resolve(domain)).schema !== 'public';
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
      }
    }
    if (!known) throw new AppError('TENANT_NOT_FOUND', `${domain} is not served here`);
    return reply.send({ ok: true });
  });
};
