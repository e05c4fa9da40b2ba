/**
 * Who wrote in the last `windowMs` on this instance: their reads then go to the primary, so a
 * replica that has not replayed their write yet never hides it from them (history right after
 * a send). Marked on every successful write request and socket send; entries lapse on their own.
 */
export class RecentWriters {
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

  recently(schema: string, userId: number): boolean {
    const until = this.until.get(`${schema}:${userId}`);
    return until !== undefined && until > this.now();
  }

  private prune(now: number): void {
    this.lastPrune = now;
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
  }
}
