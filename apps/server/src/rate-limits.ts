import type { RateLimits } from '@rosterchirp/config';
import { AppError } from '@rosterchirp/domain';
import type { RateDecision, RateLimiter, RateRule } from '@rosterchirp/rate-limit';
import type { FastifyBaseLogger } from 'fastify';

/** The product's limits on top of the shared limiter; a refusal is a RATE_LIMITED AppError. */
export function createRateGuards(limiter: RateLimiter, limits: RateLimits, log: FastifyBaseLogger) {
  // While the shared store is unreachable, limits fail open: chat keeps working, and we log it.
  const hit = async (key: string, rule: RateRule): Promise<RateDecision> => {
    try {
      return await limiter.hit(key, rule);
    } catch (err) {
      log.warn({ err: (err as Error).message, key }, 'rate limiter unavailable; allowing');
      return { allowed: true, remaining: 0, retryAfterMs: 0 };
    }
  };
  const refuse = (retryAfterMs: number, what: string) => {
    const retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
    return new AppError('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  };
  const minute = 60_000;
  return {
    async login(schema: string, email: string, ip: string): Promise<void> {
      const byEmail = await hit(`${schema}:ratelimit:login:${email.toLowerCase()}`, {
        limit: limits.loginPerMinute,
        windowMs: minute,
      });
      const byIp = await hit(`${schema}:ratelimit:login-ip:${ip}`, {
        limit: limits.loginPerMinute * 3,
        windowMs: minute,
      });
      const refused = [byEmail, byIp].find((d) => !d.allowed);
      if (refused) throw refuse(refused.retryAfterMs, 'sign-in attempts');
    },
    async loginSucceeded(schema: string, email: string): Promise<void> {
      await limiter.reset(`${schema}:ratelimit:login:${email.toLowerCase()}`).catch(() => undefined);
    },
    /**
     * The host control plane (keys under `public:`, the control plane's own schema): a
     * configured number of requests a minute per address, and at most 10 wrong admin keys a
     * minute (then 429).
     */
    async hostAdmin(ip: string): Promise<void> {
      const d = await hit(`public:ratelimit:host-admin:${ip}`, {
        limit: limits.hostAdminPerMinute,
        windowMs: minute,
      });
      if (!d.allowed) throw refuse(d.retryAfterMs, 'control plane requests');
    },
    async hostAdminFailed(ip: string): Promise<void> {
      const d = await hit(`public:ratelimit:host-admin-fail:${ip}`, { limit: 10, windowMs: minute });
      if (!d.allowed) throw refuse(d.retryAfterMs, 'wrong admin keys');
    },
    /** Two-factor codes per account (setup and turning it off; sign-in counts as login). */
    async secondFactor(schema: string, userId: number): Promise<void> {
      const d = await hit(`${schema}:ratelimit:totp:${userId}`, { limit: 5, windowMs: minute });
      if (!d.allowed) throw refuse(d.retryAfterMs, 'two-factor codes');
    },
    async send(schema: string, userId: number): Promise<void> {
      const d = await hit(`${schema}:ratelimit:send:${userId}`, {
        limit: limits.sendPer10Seconds,
        windowMs: 10_000,
      });
      if (!d.allowed) throw refuse(d.retryAfterMs, 'messages');
    },
    /** Posts per incoming webhook (a looping alert script must not flood a channel). */
    async incomingHook(schema: string, hookId: number): Promise<void> {
      const d = await hit(`${schema}:ratelimit:hook:${hookId}`, {
        limit: limits.sendPer10Seconds,
        windowMs: 10_000,
      });
      if (!d.allowed) throw refuse(d.retryAfterMs, 'webhook posts');
    },
    /** Reaction toggles per user: each one is a broadcast to the whole conversation. */
    async reaction(schema: string, userId: number): Promise<void> {
      const d = await hit(`${schema}:ratelimit:reaction:${userId}`, {
        limit: limits.reactionsPer10Seconds,
        windowMs: 10_000,
      });
      if (!d.allowed) throw refuse(d.retryAfterMs, 'reactions');
    },
  };
}

export type RateGuards = ReturnType<typeof createRateGuards>;
