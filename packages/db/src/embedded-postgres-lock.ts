import { readFile, readlink, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await sleep(50);
  }
  return !alive(pid);
}

/** The parent of a live process, from /proc (undefined when it cannot be read). */
async function parentOf(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status && /^PPid:\s+(\d+)/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** A live Node process (our server starts Postgres; an init or subreaper that adopted an orphan is not Node). */
async function isNodeProcess(pid: number): Promise<boolean> {
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => undefined);
  return exe !== undefined && /\/node[^/]*$/.test(exe);
}

/** True when `pid` is a Postgres postmaster serving `dataDir` (its working directory is the cluster). */
async function isPostmasterOf(pid: number, dataDir: string): Promise<boolean> {
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => undefined);
  return cwd === resolve(dataDir) && (exe?.endsWith('/postgres') ?? false);
}

/**
 * Makes the cluster directory startable after the previous server died without stopping
 * Postgres (kill -9, power loss, a container restart with reused pids):
 * - a postmaster still running on this directory whose server died (an orphan, now a child of
 *   init) is shut down (SIGINT = fast shutdown; SIGQUIT after 30 s), so the new start owns the
 *   cluster; one whose server is alive means the directory is in use: the start is refused;
 * - a `postmaster.pid` naming a live process that is not our postmaster (pid reuse) is removed,
 *   since Postgres would refuse to start on it. A dead pid is left to Postgres, which handles it.
 * Returns what it did, for the log.
 */
export async function recoverStaleLock(dataDir: string): Promise<string | undefined> {
  const lockFile = join(dataDir, 'postmaster.pid');
  const text = await readFile(lockFile, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) {
    await rm(lockFile, { force: true });
    return 'removed an unreadable postmaster.pid';
  }
  if (!alive(pid)) return undefined;
  if (await isPostmasterOf(pid, dataDir)) {
    // Its server is still alive: this DATA_DIR is in use by another running RosterChirp, whose
    // database must not be taken away. Only an orphan (reparented to init) is stopped.
    const parent = await parentOf(pid);
    if (parent !== undefined && parent !== 1 && (await isNodeProcess(parent))) {
      throw new Error(
        `${dataDir} is in use by another running server (its Postgres is pid ${pid}, started by pid ${parent}); stop that one first or choose another DATA_DIR`,
      );
    }
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 30_000))) {
      process.kill(pid, 'SIGQUIT');
      if (!(await waitForExit(pid, 10_000))) {
        throw new Error(
          `an earlier embedded Postgres (pid ${pid}) on ${dataDir} does not stop; stop it by hand`,
        );
      }
    }
    return `stopped an orphaned embedded Postgres (pid ${pid}) left by an earlier server`;
  }
  await rm(lockFile, { force: true });
  return `removed a stale postmaster.pid naming pid ${pid}, which is not Postgres`;
}
