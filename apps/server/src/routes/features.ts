import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FeaturesReply, featureFlags } from '@rosterchirp/protocol';

/** The tenant's plan and feature flags, for the client to show or hide features. */
export const featureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/features',
    { preHandler: app.requireUser, schema: { response: { 200: FeaturesReply } } },
    async (req) => {
      const plan = await app.services.settings.plan(req.tenant);
      return { plan, features: featureFlags(plan), calls: app.services.integrations.calls.enabled };
    },
  );
};
