import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  PatchSettingsBody,
  SettingsReply,
  TenantAuditQuery,
  TenantAuditReply,
  TotpDisableBody,
  TotpEnableBody,
  TotpEnableReply,
  TotpSetupReply,
} from '@rosterchirp/protocol';
import { tokenFrom } from '../plugins/request-context.ts';

/** Two-factor sign-in, the tenant audit log (admins) and the tenant's security settings. */
export const accessRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { totp, audit, workspace, auth } = app.services;
  const admin = app.requireRole('admin');

  app.post(
    '/api/auth/totp/setup',
    { onRequest: app.requireUser, schema: { response: { 200: TotpSetupReply } } },
    async (req) => totp.setup(req.tenant, req.actor),
  );

  app.post(
    '/api/auth/totp/enable',
    { onRequest: app.requireUser, schema: { body: TotpEnableBody, response: { 200: TotpEnableReply } } },
    async (req) => {
      await app.rateGuards.secondFactor(req.tenant.schema, req.actor.user.id);
      return { recoveryCodes: await totp.enable(req.tenant, req.actor, req.body.code) };
    },
  );

  app.post(
    '/api/auth/totp/disable',
    { onRequest: app.requireUser, schema: { body: TotpDisableBody } },
    async (req, reply) => {
      await app.rateGuards.secondFactor(req.tenant.schema, req.actor.user.id);
      await totp.disable(req.tenant, req.actor, req.body.password);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/audit',
    { onRequest: admin, schema: { querystring: TenantAuditQuery, response: { 200: TenantAuditReply } } },
    async (req) => audit.list(req.tenant, req.query),
  );

  app.get('/api/settings', { schema: { response: { 200: SettingsReply } } }, async (req) => {
    // Anyone may read what the sign-in page needs; a signed-in admin also sees the rest.
    const token = tokenFrom(req, false);
    const viewer = token ? await auth.authenticate(req.tenant, token).catch(() => null) : null;
    const who = !viewer ? 'public' : viewer.user.role === 'admin' ? 'admin' : 'member';
    return { settings: await workspace.view(req.tenant, who) };
  });

  app.patch(
    '/api/settings',
    { onRequest: admin, schema: { body: PatchSettingsBody, response: { 200: SettingsReply } } },
    async (req) => ({ settings: await workspace.update(req.tenant, req.actor, req.body) }),
  );
};
