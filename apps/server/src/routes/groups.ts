import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AddMembersBody,
  CreateGroupBody,
  GroupDetailReply,
  GroupMemberParams,
  GroupReply,
  GroupsReply,
  IdParams,
  MembersReply,
  NotificationsBody,
  PatchGroupBody,
} from '@rosterchirp/protocol';

export const groupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { groups } = app.services;
  app.addHook('preHandler', app.requireUser);

  app.get('/api/groups', { schema: { response: { 200: GroupsReply } } }, async (req) => ({
    groups: await groups.list(req.tenant, req.actor.user),
  }));

  app.post(
    '/api/groups',
    { schema: { body: CreateGroupBody, response: { 200: GroupReply, 201: GroupReply } } },
    async (req, reply) => {
      const { group, created } = await groups.create(req.tenant, req.actor.user, req.body, req.ip);
      return reply.status(created ? 201 : 200).send({ group });
    },
  );

  app.get(
    '/api/groups/:id',
    { schema: { params: IdParams, response: { 200: GroupDetailReply } } },
    async (req) => groups.detail(req.tenant, req.actor.user, req.params.id),
  );

  app.patch(
    '/api/groups/:id',
    { schema: { params: IdParams, body: PatchGroupBody, response: { 200: GroupReply } } },
    async (req) => ({ group: await groups.update(req.tenant, req.actor.user, req.params.id, req.body) }),
  );

  app.post(
    '/api/groups/:id/members',
    { schema: { params: IdParams, body: AddMembersBody, response: { 200: MembersReply } } },
    async (req) => ({
      members: await groups.addMembers(req.tenant, req.actor.user, req.params.id, req.body.userIds),
    }),
  );

  app.put(
    '/api/groups/:id/notifications',
    { schema: { params: IdParams, body: NotificationsBody } },
    async (req, reply) => {
      await groups.setNotifications(req.tenant, req.actor.user, req.params.id, req.body.level);
      return reply.status(204).send();
    },
  );

  for (const [path, joined] of [
    ['/api/groups/:id/join', true],
    ['/api/groups/:id/leave', false],
  ] as const) {
    app.post(path, { schema: { params: IdParams, response: { 200: GroupReply } } }, async (req) => ({
      group: await groups.setChannelJoined(req.tenant, req.actor.user, req.params.id, joined),
    }));
  }

  app.delete(
    '/api/groups/:id/members/:userId',
    { schema: { params: GroupMemberParams } },
    async (req, reply) => {
      await groups.removeMember(req.tenant, req.actor.user, req.params.id, req.params.userId);
      return reply.status(204).send();
    },
  );
};
