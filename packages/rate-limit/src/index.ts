export { MemoryRateLimiter } from './rate-limiter.memory.ts';
export { RedisRateLimiter } from './rate-limiter.redis.ts';
export { decide, type RateDecision, type RateLimiter, type RateRule } from './rate-limiter.ts';
