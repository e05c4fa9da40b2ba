import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  PushSubscribeBody,
  PushSubscriptionsReply,
  PushUnsubscribeBody,
  VapidKeyReply,
} from '@rosterchirp/protocol';

/** Web Push: the deployment's public key, the caller's subscriptions, the admins' view, a test. */
export const pushRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { push, workspace } = app.services;

  app.get(
    '/api/push/vapid-public-key',
    { onRequest: app.requireUser, schema: { response: { 200: VapidKeyReply } } },
    async () => ({ key: push.publicKey() }),
  );

  app.post(
    '/api/push/subscriptions',
    { onRequest: app.requireUser, schema: { body: PushSubscribeBody } },
    async (req, reply) => {
      await push.subscribe(req.tenant, req.actor, req.body);
      return reply.status(201).send();
    },
  );

  app.delete(
    '/api/push/subscriptions',
    { onRequest: app.requireUser, schema: { body: PushUnsubscribeBody } },
    async (req, reply) => {
      await push.unsubscribe(req.tenant, req.actor, req.body.endpoint);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/push/subscriptions',
    { onRequest: app.requireRole('admin'), schema: { response: { 200: PushSubscriptionsReply } } },
    async (req) => ({ subscriptions: await push.list(req.tenant) }),
  );

  app.post('/api/push/test', { onRequest: app.requireUser }, async (req, reply) => {
    const { appName } = await workspace.view(req.tenant, 'member');
    // Delivered after the answer: push services may take seconds.
    void push
      .sendTest(req.tenant, req.actor, appName)
      .catch((err: unknown) => req.log.error({ err }, 'test push failed'));
    return reply.status(202).send();
  });
};
