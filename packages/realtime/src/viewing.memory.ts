import type { ViewingStore } from '@rosterchirp/protocol';

/** Viewing on one instance: connection → what it shows and until when. */
export class MemoryViewing implements ViewingStore {
  private readonly byConnection = new Map<string, { userId: number; groupId: number; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async set(schema: string, connectionId: string, userId: number, groupId: number | null): Promise<void> {
    const key = `${schema}|${connectionId}`;
    if (groupId === null) this.byConnection.delete(key);
    else this.byConnection.set(key, { userId, groupId, until: this.now() + this.ttlMs });
  }

  async viewers(schema: string, groupId: number, userIds: readonly number[]): Promise<Set<number>> {
    const wanted = new Set(userIds);
    const found = new Set<number>();
    const now = this.now();
    for (const [key, entry] of this.byConnection) {
      if (entry.until <= now) {
        this.byConnection.delete(key);
        continue;
      }
      if (key.startsWith(`${schema}|`) && entry.groupId === groupId && wanted.has(entry.userId)) {
        found.add(entry.userId);
      }
    }
    return found;
  }

  async close(): Promise<void> {
    this.byConnection.clear();
  }
}
