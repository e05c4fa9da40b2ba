import type { RecentWriters } from './recent-writers.ts';

/** Marks in this process: right for one instance (or the same instance's next request). */
export class MemoryRecentWriters implements RecentWriters {
  private readonly until = new Map<string, number>();
  private lastPrune = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  wrote(schema: string, userId: number): void {
    if (this.windowMs <= 0) return;
    const now = this.now();
    this.until.set(`${schema}:${userId}`, now + this.windowMs);
    if (now - this.lastPrune > this.windowMs) this.prune(now);
  }

  /** Synchronous answer for this process (the Redis marks use it as their first layer). */
  has(schema: string, userId: number): boolean {
    const until = this.until.get(`${schema}:${userId}`);
    return until !== undefined && until > this.now();
  }

  async recently(schema: string, userId: number): Promise<boolean> {
    return this.has(schema, userId);
  }

  private prune(now: number): void {
    this.lastPrune = now;
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
  }
}
