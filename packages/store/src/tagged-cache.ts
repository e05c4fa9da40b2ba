/**
 * An in-process cache whose entries carry tags (e.g. "the person 7 of tenant t", "conversation
 * 3 of tenant t"), so a change notice forgets every entry it touches at once. Entries expire
 * after `ttlMs`; past `maxEntries` the oldest goes first. `generation` grows with every forget:
 * a lookup that started before a forget must not store what it read (it may predate the change).
 */
export class TaggedCache<V> {
  private readonly entries = new Map<string, { value: V; tags: string[]; expiresAt: number }>();
  private readonly byTag = new Map<string, Set<string>>();
  private gen = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get generation(): number {
    return this.gen;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.drop(key);
    return undefined;
  }

  /** Stores `value` unless something was forgotten since `startedAt` (a `generation`). */
  set(key: string, value: V, tags: string[], startedAt: number): void {
    if (startedAt !== this.gen) return;
    this.drop(key);
    if (this.entries.size >= this.maxEntries) this.drop(this.entries.keys().next().value as string);
    this.entries.set(key, { value, tags, expiresAt: this.now() + this.ttlMs });
    for (const tag of tags) {
      const keys = this.byTag.get(tag) ?? new Set<string>();
      this.byTag.set(tag, keys);
      keys.add(key);
    }
  }

  forgetTag(tag: string): void {
    this.gen++;
    const keys = this.byTag.get(tag);
    if (keys) for (const key of [...keys]) this.drop(key);
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
    this.byTag.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}
