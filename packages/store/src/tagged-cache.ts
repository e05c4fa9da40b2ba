/**
 * An in-process cache whose entries carry tags (e.g. "the person 7 of tenant t", "conversation
 * 3 of tenant t"), so a change notice forgets every entry it touches at once. Entries expire
 * after `ttlMs`; past `maxEntries` the oldest goes first.
 *
 * A lookup that read the database before a forget of one of its tags must not store what it
 * read (it may predate the change): it takes a `snapshot` of its tags before asking, and `set`
 * refuses when any of them was forgotten since (or everything was, by `clear`). Forgets of
 * other tags do not matter, so a busy tenant's notices do not stop everyone else's caching.
 */
export interface TagSnapshot {
  epoch: number;
  tags: string[];
  generations: number[];
}

export class TaggedCache<V> {
  private readonly entries = new Map<string, { value: V; tags: string[]; expiresAt: number }>();
  private readonly byTag = new Map<string, Set<string>>();
  /** How often each tag was forgotten (a tag never forgotten is 0); bounded by `clear`. */
  private readonly forgotten = new Map<string, number>();
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  snapshot(tags: string[]): TagSnapshot {
    return { epoch: this.epoch, tags, generations: tags.map((t) => this.forgotten.get(t) ?? 0) };
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.drop(key);
    return undefined;
  }

  /** Stores `value` under `tags` (all in the snapshot) unless one was forgotten since `startedAt`. */
  set(key: string, value: V, tags: string[], startedAt: TagSnapshot): void {
    if (startedAt.epoch !== this.epoch) return;
    if (startedAt.tags.some((t, i) => (this.forgotten.get(t) ?? 0) !== startedAt.generations[i])) return;
    if (tags.some((t) => !startedAt.tags.includes(t)))
      throw new Error(`TaggedCache: ${tags} not all in the snapshot`);
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
    if (this.forgotten.size >= this.maxEntries * 4) this.clear();
    this.forgotten.set(tag, (this.forgotten.get(tag) ?? 0) + 1);
    const keys = this.byTag.get(tag);
    if (keys) for (const key of [...keys]) this.drop(key);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.byTag.clear();
    this.forgotten.clear();
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
