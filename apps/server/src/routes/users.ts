import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateUserBody,
  CreateUserReply,
  IdParams,
  ImportUsersBody,
  ImportUsersReply,
  PatchMeBody,
  PatchMeReply,
  PatchUserBody,
  ResetPasswordReply,
  UserReply,
  UsersQuery,
  UsersReply,
} from '@rosterchirp/protocol';

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, userAdmin } = app.services;
  const admin = app.requireRole('admin');

  app.get(
    '/api/users',
    { onRequest: app.requireUser, schema: { querystring: UsersQuery, response: { 200: UsersReply } } },
    async (req) => users.directory(req.tenant, req.actor.user, req.query),
  );

  app.patch(
    '/api/me',
    { onRequest: app.requireUser, schema: { body: PatchMeBody, response: { 200: PatchMeReply } } },
    async (req) => {
      const { avatarKey, preferences: preferencesChange, ...profile } = req.body;
      let user = req.actor.user;
      // Preferences first: a bad time zone is refused before anything else changes.
      const preferences = preferencesChange
        ? await users.updatePreferences(req.tenant, user.id, preferencesChange)
        : await users.preferences(req.tenant, user.id);
      if (avatarKey !== undefined) user = await app.services.avatars.set(req.tenant, user, avatarKey);
      if (Object.keys(profile).length) user = await users.updateProfile(req.tenant, user.id, profile);
      return { user, preferences };
    },
  );

  app.post(
    '/api/users/import',
    {
      onRequest: admin,
      // A CSV of up to 5 MB, inside JSON.
      bodyLimit: 6 * 1024 * 1024,
      schema: { body: ImportUsersBody, response: { 200: ImportUsersReply } },
    },
    async (req) => {
      const result = await app.services.userImport.run(req.tenant, req.actor, req.body.csv, req.body.dryRun);
      req.log.info(
        { created: result.created, rows: result.rows.length, dryRun: req.body.dryRun },
        'users imported',
      );
      return result;
    },
  );

  app.patch(
    '/api/users/:id',
    { onRequest: admin, schema: { params: IdParams, body: PatchUserBody, response: { 200: UserReply } } },
    async (req) => ({ user: await userAdmin.update(req.tenant, req.actor, req.params.id, req.body) }),
  );

  app.post(
    '/api/users',
    {
      onRequest: admin,
      schema: { body: CreateUserBody, response: { 201: CreateUserReply } },
    },
    async (req, reply) => {
      const { user, generatedPassword } = await userAdmin.create(req.tenant, req.actor, req.body);
      req.log.info({ createdUserId: user.id }, 'user created');
      return reply.status(201).send(generatedPassword ? { user, password: generatedPassword } : { user });
    },
  );

  app.post(
    '/api/users/:id/suspend',
    { onRequest: admin, schema: { params: IdParams, response: { 200: UserReply } } },
    async (req) => ({ user: await userAdmin.suspend(req.tenant, req.actor, req.params.id) }),
  );

  app.post(
    '/api/users/:id/unsuspend',
    { onRequest: admin, schema: { params: IdParams, response: { 200: UserReply } } },
    async (req) => ({ user: await userAdmin.unsuspend(req.tenant, req.actor, req.params.id) }),
  );

  app.post(
    '/api/users/:id/reset-password',
    { onRequest: admin, schema: { params: IdParams, response: { 200: ResetPasswordReply } } },
    async (req) => ({ password: await userAdmin.resetPassword(req.tenant, req.actor, req.params.id) }),
  );

  app.delete('/api/users/:id', { onRequest: admin, schema: { params: IdParams } }, async (req, reply) => {
    await userAdmin.remove(req.tenant, req.actor, req.params.id);
    req.log.info({ deletedUserId: req.params.id }, 'user deleted');
    return reply.status(204).send();
  });
};
