import type { Readable } from 'node:stream';

/**
 * Storage seam for uploads. Keys are `{schema}/{kind}/{uuid}.{ext}` (docs/CLUSTER.md invariant 9);
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
  /** Deletes these keys (S3: DeleteObjects, up to 1,000 a request); missing ones are fine. */
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Keys under a prefix (for the orphan sweep and tenant deletion). */
  list(prefix: string): Promise<string[]>;
  /** Keys under a prefix with when each was last written (the upload cleanup's age rule). */
  listWithDates(prefix: string): Promise<Array<{ key: string; lastModified: Date }>>;
  /**
   * A URL the browser can PUT the object to directly (size and type bound), or null when the
   * storage cannot presign (local disk: the API accepts the PUT itself).
   */
  presignPut(
    key: string,
    contentType: string,
    size: number,
    expiresInSeconds: number,
  ): Promise<PresignedPut | null>;
  /** A URL to read the object from (public base or short-lived signed GET), or null: serve it. */
  readUrl(key: string, expiresInSeconds: number): Promise<string | null>;
  /**
   * Origins browsers PUT to and read from besides the site itself (the page's CSP allows them);
   * empty when every byte goes through the API.
   */
  browserOrigins(): string[];
}

export interface PresignedPut {
  url: string;
  headers: Record<string, string>;
}

const KEY_PATTERN = /^[a-z_][a-z0-9_]*\/(image|avatar|logo|thumb)\/[a-f0-9-]{36}\.(jpg|png|gif|webp)$/;

export const IMAGE_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** `{schema}/{kind}/{uuid}.{ext}` (docs/CLUSTER.md invariant 9). */
export function newObjectKey(
  schema: string,
  kind: 'image' | 'avatar' | 'logo' | 'thumb',
  contentType: string,
): string {
  const ext = IMAGE_TYPES[contentType];
  if (!ext) throw new Error(`Unsupported content type ${contentType}`);
  return `${schema}/${kind}/${crypto.randomUUID()}.${ext}`;
}

export function isValidObjectKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
