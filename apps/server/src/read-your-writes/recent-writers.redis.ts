import type { RedisClient } from '@rosterchirp/redis';
import { MemoryRecentWriters } from './recent-writers.memory.ts';
import type { RecentWriters } from './recent-writers.ts';

/**
 * Marks shared by every instance: `{schema}:recent-writer:{userId}` set with a TTL of the
 * window (one key per person, used alone, so untagged: it spreads over a cluster's masters).
 * This process's own marks answer first without a round trip; while Redis is away a person
 * counts as a recent writer (their reads go to the primary: slower, never stale).
 */
export class RedisRecentWriters implements RecentWriters {
  private readonly local: MemoryRecentWriters;

  constructor(
    private readonly redis: RedisClient,
    private readonly windowMs: number,
  ) {
    this.local = new MemoryRecentWriters(windowMs);
  }

  private key(schema: string, userId: number): string {
    return `${schema}:recent-writer:${userId}`;
  }

  wrote(schema: string, userId: number): void {
    if (this.windowMs <= 0) return;
    this.local.wrote(schema, userId);
    void this.redis.set(this.key(schema, userId), '1', 'PX', this.windowMs).catch(() => undefined);
  }

  async recently(schema: string, userId: number): Promise<boolean> {
    if (this.windowMs <= 0) return false;
    if (this.local.has(schema, userId)) return true;
    try {
      return (await this.redis.exists(this.key(schema, userId))) === 1;
    } catch {
      return true;
    }
  }
}
