import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The URL of the embedded Postgres a running server started in `dir` (DATA_DIR/pg), or null when
 * none runs: the port is the fourth line of postmaster.pid, the password the file beside `dir`.
 * For tools (`pnpm doctor`) that must reach the laptop install's database without starting it.
 */
export async function runningEmbeddedUrl(dir: string): Promise<string | null> {
  const pidFile = await readFile(join(dir, 'postmaster.pid'), 'utf8').catch(() => null);
  const port = Number(pidFile?.split('\n')[3]);
  if (!Number.isInteger(port) || port <= 0) return null;
  const password = (
    await readFile(join(dirname(dir), `${basename(dir)}.password`), 'utf8').catch(() => '')
  ).trim();
  if (!password) return null;
  return `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}
