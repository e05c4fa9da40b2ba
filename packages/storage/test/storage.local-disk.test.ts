import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import { LocalDiskStorage } from '../src/storage.local-disk.ts';
import { storageContract } from './storage.contract.ts';

describe('LocalDiskStorage', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  storageContract('local disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rc-storage-'));
    dirs.push(dir);
    return new LocalDiskStorage(dir);
  });
});
