/**
 * Fixed-window rate limiting shared by every instance (Redis) or kept in this process (memory).
 * Keys start with the tenant schema, like every other shared key.
 */
export interface RateRule {
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Calls left in the window after this one (0 when refused). */
  remaining: number;
  /** When refused: how long until the window resets. */
  retryAfterMs: number;
}

export interface RateLimiter {
  /** Counts one call against `key` and says whether it is within the rule. */
  hit(key: string, rule: RateRule): Promise<RateDecision>;
  /** Forgets a key (e.g. a successful login clears its failures). */
  reset(key: string): Promise<void>;
}

export function decide(count: number, ttlMs: number, rule: RateRule): RateDecision {
  const allowed = count <= rule.limit;
  return {
    allowed,
    remaining: Math.max(0, rule.limit - count),
    retryAfterMs: allowed ? 0 : Math.max(1, ttlMs),
  };
}
