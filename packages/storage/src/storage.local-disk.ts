import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  isValidObjectKey,
  type ObjectStorage,
  type PresignedPut,
  type StoredObject,
} from './object-storage.ts';

/** Uploads on local disk under one root; the content type is kept in a sidecar file. */
export class LocalDiskStorage implements ObjectStorage {
  constructor(private readonly root: string) {}

  browserOrigins(): string[] {
    return [];
  }

  private path(key: string): string {
    if (!isValidObjectKey(key)) throw new Error(`Invalid object key "${key}"`);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Readable | Buffer, contentType: string): Promise<{ size: number }> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomUUID()}.tmp`;
    await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(tmp));
    await writeFile(`${path}.type`, contentType);
    await rename(tmp, path);
    return { size: (await stat(path)).size };
  }

  async get(key: string): Promise<StoredObject | null> {
    const path = this.path(key);
    try {
      const [info, contentType] = await Promise.all([stat(path), readFile(`${path}.type`, 'utf8')]);
      return { body: createReadStream(path), contentType, size: info.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key);
    await rm(path, { force: true });
    await rm(`${path}.type`, { force: true });
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.delete(key);
  }

  async presignPut(): Promise<PresignedPut | null> {
    return null;
  }

  async readUrl(): Promise<string | null> {
    return null;
  }

  async listWithDates(prefix: string): Promise<Array<{ key: string; lastModified: Date }>> {
    const keys = await this.list(prefix);
    return Promise.all(
      keys.map(async (key) => ({
        key,
        lastModified: (await stat(join(this.root, ...key.split('/')))).mtime,
      })),
    );
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else {
          const key = relative(this.root, full).split(sep).join('/');
          if (isValidObjectKey(key) && key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(this.root);
    return keys.sort();
  }
}
