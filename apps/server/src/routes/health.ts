import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthReply, ReadyReply } from '@rosterchirp/protocol';

export interface HealthOptions {
  version: string;
  instanceId: string;
  /** Each check answers true when its dependency responds. */
  checks: Record<string, () => Promise<boolean>>;
  isDraining: () => boolean;
}

/** How long a readiness check may take before it counts as failed. */
const READY_CHECK_TIMEOUT_MS = 500;

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
          // A dependency that does not answer promptly is not ready: answer 503 now rather than
          // hang past the load balancer's health timeout.
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), READY_CHECK_TIMEOUT_MS);
          });
          results[name] = await Promise.race([check().catch(() => false), late]);
          clearTimeout(timer);
        }),
      );
      results.accepting = !opts.isDraining();
      const ready = Object.values(results).every(Boolean);
      return reply.status(ready ? 200 : 503).send({ ready, checks: results });
    },
  );
};
