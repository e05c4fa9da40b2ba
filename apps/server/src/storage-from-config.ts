import { join } from 'node:path';
import type { Config } from '@rosterchirp/config';
import { LocalDiskStorage, type ObjectStorage, S3Storage } from '@rosterchirp/storage';

/** Where uploads live: the S3 bucket when configured, else `DATA_DIR/uploads` (server and tools alike). */
export function storageFromConfig(config: Config): ObjectStorage {
  return config.s3 ? new S3Storage(config.s3) : new LocalDiskStorage(join(config.dataDir, 'uploads'));
}
