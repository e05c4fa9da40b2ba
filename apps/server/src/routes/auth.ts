import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { deviceClass, type SignedIn } from '@rosterchirp/domain';
import {
  AuthReply,
  LoginBody,
  MeReply,
  PasswordBody,
  RegisterBody,
  SessionParams,
  SessionsReply,
} from '@rosterchirp/protocol';
import type { FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '../plugins/request-context.ts';

export const authRoutes: FastifyPluginAsyncTypebox<{ cookieSecure: boolean }> = async (app, opts) => {
  const { auth } = app.services;

  function setSessionCookie(reply: FastifyReply, signedIn: SignedIn) {
    reply.setCookie(SESSION_COOKIE, signedIn.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.cookieSecure,
      path: '/',
      expires: signedIn.expiresAt,
    });
  }

  app.post(
    '/api/auth/login',
    { schema: { body: LoginBody, response: { 200: AuthReply } } },
    async (req, reply) => {
      await app.rateGuards.login(req.tenant.schema, req.body.email, req.ip);
      const signedIn = await auth.login(
        req.tenant,
        req.body,
        deviceClass(req.body.device, req.headers['user-agent']),
        req.headers['user-agent'],
        req.ip,
      );
      await app.rateGuards.loginSucceeded(req.tenant.schema, req.body.email);
      setSessionCookie(reply, signedIn);
      req.log.info({ userId: signedIn.user.id }, 'login');
      return { token: signedIn.token, user: signedIn.user };
    },
  );

  app.post('/api/auth/logout', { preHandler: app.requireUser }, async (req, reply) => {
    await auth.logout(req.tenant, req.actor);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get(
    '/api/auth/me',
    { preHandler: app.requireUser, schema: { response: { 200: MeReply } } },
    async (req) => ({
      user: req.actor.user,
      preferences: await app.services.users.preferences(req.tenant, req.actor.user.id),
    }),
  );

  app.post(
    '/api/auth/register',
    { schema: { body: RegisterBody, response: { 201: AuthReply } } },
    async (req, reply) => {
      const signedIn = await auth.register(
        req.tenant,
        req.body,
        deviceClass(undefined, req.headers['user-agent']),
        req.headers['user-agent'],
      );
      setSessionCookie(reply, signedIn);
      return reply.status(201).send({ token: signedIn.token, user: signedIn.user });
    },
  );

  app.post(
    '/api/auth/password',
    { preHandler: app.requireUser, schema: { body: PasswordBody } },
    async (req, reply) => {
      await auth.changePassword(req.tenant, req.actor, req.body);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/auth/sessions',
    { preHandler: app.requireUser, schema: { response: { 200: SessionsReply } } },
    async (req) => ({ sessions: await auth.sessions(req.tenant, req.actor) }),
  );

  app.delete(
    '/api/auth/sessions/:id',
    // Authenticated before the id is validated: a stranger learns nothing about the id format.
    { onRequest: app.requireUser, schema: { params: SessionParams } },
    async (req, reply) => {
      await auth.endSession(req.tenant, req.actor, req.params.id);
      return reply.status(204).send();
    },
  );
};
