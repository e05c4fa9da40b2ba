import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateUserGroupBody,
  DmRestrictionsBody,
  DmRestrictionsReply,
  IdParams,
  PatchUserGroupBody,
  UserGroupReply,
  UserGroupsReply,
} from '@rosterchirp/protocol';

/** User groups and their managed chats (Group Manager, Team plan), and DM restrictions. */
export const userGroupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { userGroups } = app.services;
  app.addHook('preHandler', app.requireUser);

  app.get('/api/usergroups', { schema: { response: { 200: UserGroupsReply } } }, async (req) => ({
    userGroups: await userGroups.list(req.tenant, req.actor.user),
  }));

  app.post(
    '/api/usergroups',
    { schema: { body: CreateUserGroupBody, response: { 201: UserGroupReply } } },
    async (req, reply) =>
      reply.status(201).send({ userGroup: await userGroups.create(req.tenant, req.actor.user, req.body) }),
  );

  app.get(
    '/api/usergroups/restrictions',
    { schema: { response: { 200: DmRestrictionsReply } } },
    async (req) => ({
      rules: await userGroups.restrictions(req.tenant, req.actor.user),
    }),
  );

  app.put(
    '/api/usergroups/restrictions',
    { schema: { body: DmRestrictionsBody, response: { 200: DmRestrictionsReply } } },
    async (req) => ({ rules: await userGroups.setRestrictions(req.tenant, req.actor.user, req.body.rules) }),
  );

  app.patch(
    '/api/usergroups/:id',
    { schema: { params: IdParams, body: PatchUserGroupBody, response: { 200: UserGroupReply } } },
    async (req) => ({
      userGroup: await userGroups.update(req.tenant, req.actor.user, req.params.id, req.body),
    }),
  );

  app.delete('/api/usergroups/:id', { schema: { params: IdParams } }, async (req, reply) => {
    await userGroups.remove(req.tenant, req.actor.user, req.params.id);
    return reply.status(204).send();
  });
};
