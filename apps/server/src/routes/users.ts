import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CreateUserBody, CreateUserReply, UsersReply } from '@rosterchirp/protocol';

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users } = app.services;

  app.get(
    '/api/users',
    { preHandler: app.requireUser, schema: { response: { 200: UsersReply } } },
    async (req) => ({ users: await users.list(req.tenant) }),
  );

  app.post(
    '/api/users',
    {
      preHandler: app.requireRole('admin'),
      schema: { body: CreateUserBody, response: { 201: CreateUserReply } },
    },
    async (req, reply) => {
      const { user, generatedPassword } = await users.create(req.tenant, req.body);
      req.log.info({ createdUserId: user.id }, 'user created');
      return reply.status(201).send(generatedPassword ? { user, password: generatedPassword } : { user });
    },
  );
};
