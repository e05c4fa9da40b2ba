import formBody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '@rosterchirp/domain';
import {
  Bot,
  CallReply,
  Contact,
  ContactBody,
  CreateBotBody,
  CreateIncomingBody,
  CreateOutgoingBody,
  IncomingHookBody,
  IncomingWebhook,
  IntegrationsOverview,
  OutgoingWebhook,
  SmsSettingsBody,
  WebhookDelivery,
} from '@rosterchirp/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
/** Slack-shaped bodies are small; a bigger one is refused whole (413). */
const HOOK_BODY_LIMIT = 64 * 1024;

const baseUrl = (req: FastifyRequest) => `${req.protocol}://${req.headers.host ?? 'localhost'}`;

/** Integrations (docs/INTEGRATIONS.md): admin management, the public hook and SMS endpoints, calls. */
export const integrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { integrations } = app.services;
  const admin = { onRequest: app.requireRole('admin') };

  app.get(
    '/api/integrations',
    { ...admin, schema: { response: { 200: IntegrationsOverview } } },
    async (req) => ({
      calls: integrations.calls.enabled,
      sms: { ...(await integrations.sms.status(req.tenant)), inboundUrl: `${baseUrl(req)}/api/sms/inbound` },
      whatsapp: await integrations.whatsapp.status(req.tenant),
    }),
  );

  // Bots
  app.get(
    '/api/bots',
    { ...admin, schema: { response: { 200: Type.Object({ bots: Type.Array(Bot) }) } } },
    async (req) => ({
      bots: await integrations.bots.list(req.tenant),
    }),
  );
  app.post(
    '/api/bots',
    {
      ...admin,
      schema: { body: CreateBotBody, response: { 201: Type.Object({ bot: Bot, token: Type.String() }) } },
    },
    async (req, reply) =>
      reply.status(201).send(await integrations.bots.create(req.tenant, req.actor, req.body)),
  );
  app.delete('/api/bots/:id', { ...admin, schema: { params: IdParams } }, async (req, reply) => {
    await integrations.bots.revoke(req.tenant, req.actor, req.params.id);
    return reply.status(204).send();
  });

  // Incoming webhooks
  app.get(
    '/api/integrations/incoming',
    { ...admin, schema: { response: { 200: Type.Object({ webhooks: Type.Array(IncomingWebhook) }) } } },
    async (req) => ({ webhooks: await integrations.incoming.list(req.tenant) }),
  );
  app.post(
    '/api/integrations/incoming',
    {
      ...admin,
      schema: { body: CreateIncomingBody, response: { 201: Type.Object({ webhook: IncomingWebhook }) } },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send({ webhook: await integrations.incoming.create(req.tenant, req.actor, req.body, baseUrl(req)) }),
  );
  app.delete(
    '/api/integrations/incoming/:id',
    { ...admin, schema: { params: IdParams } },
    async (req, reply) => {
      await integrations.incoming.revoke(req.tenant, req.actor, req.params.id);
      return reply.status(204).send();
    },
  );
  app.post(
    '/hooks/incoming/:secret',
    {
      bodyLimit: HOOK_BODY_LIMIT,
      onResponse: async (_req, reply) => integrations.incoming.answered(reply.statusCode),
      schema: { params: Type.Object({ secret: Type.String({ maxLength: 200 }) }), body: IncomingHookBody },
    },
    async (req) => {
      const hook = await integrations.incoming.find(req.tenant, req.params.secret);
      if (!hook) throw new AppError('NOT_FOUND', 'No such webhook (it may have been revoked)');
      await app.rateGuards.incomingHook(req.tenant.schema, hook.id);
      const messageId = await integrations.incoming.post(
        req.tenant,
        hook.id,
        hook.botUserId,
        hook.groupId,
        req.body,
      );
      return { ok: true, messageId };
    },
  );

  // Outgoing webhooks
  app.get(
    '/api/integrations/outgoing',
    { ...admin, schema: { response: { 200: Type.Object({ webhooks: Type.Array(OutgoingWebhook) }) } } },
    async (req) => ({ webhooks: await integrations.outgoing.list(req.tenant) }),
  );
  app.post(
    '/api/integrations/outgoing',
    {
      ...admin,
      schema: { body: CreateOutgoingBody, response: { 201: Type.Object({ webhook: OutgoingWebhook }) } },
    },
    async (req, reply) => {
      const webhook = await integrations.outgoing.create(req.tenant, req.actor, req.body);
      integrations.jobs.changed(req.tenant.schema);
      return reply.status(201).send({ webhook });
    },
  );
  app.delete(
    '/api/integrations/outgoing/:id',
    { ...admin, schema: { params: IdParams } },
    async (req, reply) => {
      await integrations.outgoing.revoke(req.tenant, req.actor, req.params.id);
      integrations.jobs.changed(req.tenant.schema);
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/integrations/outgoing/:id/deliveries',
    {
      ...admin,
      schema: {
        params: IdParams,
        response: { 200: Type.Object({ deliveries: Type.Array(WebhookDelivery) }) },
      },
    },
    async (req) => ({ deliveries: await integrations.outgoing.deliveries(req.tenant, req.params.id) }),
  );

  // Calls
  app.post(
    '/api/groups/:id/call',
    { onRequest: app.requireUser, schema: { params: IdParams, response: { 200: CallReply } } },
    async (req) => integrations.calls.join(req.tenant, req.actor.user, req.params.id, req.actor.ip ?? null),
  );

  // Address book and the SMS bridge
  app.get(
    '/api/contacts',
    { ...admin, schema: { response: { 200: Type.Object({ contacts: Type.Array(Contact) }) } } },
    async (req) => ({
      contacts: await integrations.contacts.list(req.tenant),
    }),
  );
  app.post(
    '/api/contacts',
    { ...admin, schema: { body: ContactBody, response: { 201: Type.Object({ contact: Contact }) } } },
    async (req, reply) =>
      reply
        .status(201)
        .send({ contact: await integrations.contacts.create(req.tenant, req.actor, req.body) }),
  );
  app.put(
    '/api/contacts/:id',
    {
      ...admin,
      schema: { params: IdParams, body: ContactBody, response: { 200: Type.Object({ contact: Contact }) } },
    },
    async (req) => ({
      contact: await integrations.contacts.update(req.tenant, req.actor, req.params.id, req.body),
    }),
  );
  app.delete('/api/contacts/:id', { ...admin, schema: { params: IdParams } }, async (req, reply) => {
    await integrations.contacts.remove(req.tenant, req.actor, req.params.id);
    return reply.status(204).send();
  });
  app.put('/api/integrations/sms', { ...admin, schema: { body: SmsSettingsBody } }, async (req, reply) => {
    await integrations.sms.configure(req.tenant, req.actor, req.body);
    return reply.status(204).send();
  });

  // WhatsApp
  app.post('/api/integrations/whatsapp/link', admin, async (req, reply) => {
    await integrations.whatsapp.link(req.tenant, req.actor);
    return reply.status(202).send();
  });
  app.delete('/api/integrations/whatsapp', admin, async (req, reply) => {
    await integrations.whatsapp.unlink(req.tenant, req.actor);
    return reply.status(204).send();
  });

  // Twilio's webhook: form-encoded, signed over the URL it called and its fields.
  await app.register(async (scope) => {
    await scope.register(formBody, { bodyLimit: HOOK_BODY_LIMIT });
    scope.post('/api/sms/inbound', { bodyLimit: HOOK_BODY_LIMIT }, async (req, reply) => {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries((req.body as Record<string, unknown>) ?? {})) {
        if (typeof v === 'string') params[k] = v;
      }
      const signature = req.headers['x-twilio-signature'];
      await integrations.sms.inbound(req.tenant, {
        url: `${baseUrl(req)}${req.url}`,
        signature: typeof signature === 'string' ? signature : undefined,
        params,
      });
      return reply.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    });
  });
};
