import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ChangesQuery,
  ChangesReply,
  EditMessageBody,
  HistoryQuery,
  HistoryReply,
  IdParams,
  MessageIdParams,
  MessageReply,
  MessagesReply,
  ReactionBody,
  ReactionsReply,
  ReadBody,
  SearchQuery,
  SearchReply,
  SendMessageBody,
} from '@rosterchirp/protocol';

export const messageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { messages, reactions, pins } = app.services;
  // Authentication before parsing and validation: a stranger gets 401 whatever they send.
  app.addHook('onRequest', app.requireUser);

  app.get(
    '/api/groups/:id/changes',
    { schema: { params: IdParams, querystring: ChangesQuery, response: { 200: ChangesReply } } },
    async (req) => messages.changes(req.tenant, req.actor.user, req.params.id, req.query),
  );

  app.get(
    '/api/groups/:id/messages',
    { schema: { params: IdParams, querystring: HistoryQuery, response: { 200: HistoryReply } } },
    async (req) => messages.history(req.tenant, req.actor.user, req.params.id, req.query),
  );

  app.post(
    '/api/groups/:id/messages',
    {
      schema: { params: IdParams, body: SendMessageBody, response: { 200: MessageReply, 201: MessageReply } },
    },
    async (req, reply) => {
      await app.rateGuards.send(req.tenant.schema, req.actor.user.id);
      const { message, created } = await messages.send(req.tenant, req.actor.user, req.params.id, req.body);
      return reply.status(created ? 201 : 200).send({ message });
    },
  );

  app.post('/api/groups/:id/read', { schema: { params: IdParams, body: ReadBody } }, async (req, reply) => {
    await messages.markRead(req.tenant, req.actor.user, req.params.id, req.body.messageId);
    return reply.status(204).send();
  });

  app.post('/api/groups/read-all', async (req, reply) => {
    await messages.readAll(req.tenant, req.actor.user);
    return reply.status(204).send();
  });

  app.patch(
    '/api/messages/:id',
    { schema: { params: MessageIdParams, body: EditMessageBody, response: { 200: MessageReply } } },
    async (req) => ({
      message: await messages.edit(req.tenant, req.actor.user, req.params.id, req.body.content),
    }),
  );

  app.post(
    '/api/messages/:id/reactions',
    { schema: { params: MessageIdParams, body: ReactionBody, response: { 200: ReactionsReply } } },
    async (req) => {
      await app.rateGuards.reaction(req.tenant.schema, req.actor.user.id);
      return { reactions: await reactions.toggle(req.tenant, req.actor.user, req.params.id, req.body.emoji) };
    },
  );

  app.post('/api/messages/:id/pin', { schema: { params: MessageIdParams } }, async (req, reply) => {
    await pins.pin(req.tenant, req.actor.user, req.params.id);
    return reply.status(204).send();
  });

  app.delete('/api/messages/:id/pin', { schema: { params: MessageIdParams } }, async (req, reply) => {
    await pins.unpin(req.tenant, req.actor.user, req.params.id);
    return reply.status(204).send();
  });

  app.get(
    '/api/groups/:id/pins',
    { schema: { params: IdParams, response: { 200: MessagesReply } } },
    async (req) => ({
      messages: await pins.list(req.tenant, req.actor.user, req.params.id),
    }),
  );

  app.get(
    '/api/search',
    { schema: { querystring: SearchQuery, response: { 200: SearchReply } } },
    async (req) => app.services.search.search(req.tenant, req.actor.user, req.query),
  );

  app.delete('/api/messages/:id', { schema: { params: MessageIdParams } }, async (req, reply) => {
    await messages.remove(req.tenant, req.actor.user, req.params.id);
    return reply.status(204).send();
  });
};
