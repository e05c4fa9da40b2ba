import type { TenantDb } from '@rosterchirp/db';
import type { UploadKind } from '@rosterchirp/protocol';

/** Who may use an object key: the uploads table (the bytes are in object storage). */
export interface Upload {
  key: string;
  userId: number;
  kind: UploadKind;
  contentType: string;
  size: number;
  status: 'pending' | 'stored';
  expiresAt: Date;
}

export interface UploadStore {
  get(db: TenantDb, key: string): Promise<Upload | null>;
  /** An upload the browser will PUT until `expiresAt` (status pending). */
  addPending(db: TenantDb, upload: Omit<Upload, 'status'>): Promise<void>;
  /** An upload whose bytes are already stored (the server streamed them). */
  addStored(db: TenantDb, upload: Omit<Upload, 'status' | 'expiresAt'>): Promise<void>;
  markStored(db: TenantDb, key: string, size: number): Promise<void>;
  /**
   * Every object key the tenant still points at: message images and thumbnails, people's and
   * groups' pictures, the logo and icon, and uploads made in the last `recentHours` (maybe about
   * to be sent). Small picture variants are derived from these by the caller.
   */
  keysInUse(db: TenantDb, recentHours: number): Promise<Set<string>>;
  /** Drops upload rows whose objects were deleted. */
  forget(db: TenantDb, keys: readonly string[]): Promise<void>;
}
