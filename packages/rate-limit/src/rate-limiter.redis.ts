import type { RedisClient } from '@rosterchirp/redis';
import { decide, type RateDecision, type RateLimiter, type RateRule } from './rate-limiter.ts';

// INCR in a window that starts with the first hit; one round trip, atomic across instances.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly redis: RedisClient) {}

  async hit(key: string, rule: RateRule): Promise<RateDecision> {
    const [count, ttl] = (await this.redis.eval(HIT, 1, `${key}`, rule.windowMs)) as [number, number];
    return decide(count, ttl, rule);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(key);
  }
}
