import type { Readable } from 'node:stream';

/**
 * Storage seam for uploads. Keys are `{schema}/{kind}/{uuid}.{ext}` (cluster.md invariant 9);
 * the database stores keys and URLs are made at read time.
 */
export interface StoredObject {
  body: Readable;
  contentType: string;
  size: number;
}

export interface ObjectStorage {
  put(key: string, body: Readable | Buffer, contentType: string): Promise<{ size: number }>;
  /** The object, or null when no object has that key. */
  get(key: string): Promise<StoredObject | null>;
  delete(key: string): Promise<void>;
  /** Keys under a prefix (for the orphan sweep and tenant deletion). */
  list(prefix: string): Promise<string[]>;
}

const KEY_PATTERN = /^[a-z_][a-z0-9_]*\/(image|avatar|logo|thumb)\/[a-f0-9-]{36}\.(jpg|png|gif|webp)$/;

export function isValidObjectKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
