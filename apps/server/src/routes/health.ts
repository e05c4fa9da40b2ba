import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthReply, ReadyReply } from '@rosterchirp/protocol';

export interface HealthOptions {
  version: string;
  instanceId: string;
  /** Each check answers true when its dependency responds. */
  checks: Record<string, () => Promise<boolean>>;
  isDraining: () => boolean;
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, opts) => {
  app.get('/api/health', { schema: { response: { 200: HealthReply } } }, async () => ({
    status: 'ok' as const,
    version: opts.version,
    instance: opts.instanceId,
  }));

  app.get(
    '/api/ready',
    { schema: { response: { 200: ReadyReply, 503: ReadyReply } } },
    async (_req, reply) => {
      const results: Record<string, boolean> = {};
      await Promise.all(
        Object.entries(opts.checks).map(async ([name, check]) => {
          results[name] = await check().catch(() => false);
        }),
      );
      results.accepting = !opts.isDraining();
      const ready = Object.values(results).every(Boolean);
      return reply.status(ready ? 200 : 503).send({ ready, checks: results });
    },
  );
};
