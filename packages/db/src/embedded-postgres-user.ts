import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Who runs embedded Postgres. Postgres refuses to run as root, so a root server runs it as the
 * system user `postgres` (created when missing, as Debian's own package would); any other user
 * runs it as itself — no user management, no privileges needed.
 */
export interface PostgresRunAs {
  /** Set when we are root and switch to this user for every Postgres process. */
  user: { name: string; uid: number; gid: number } | undefined;
  /** The command line that runs `bin args…`, as the chosen user, ended when this process dies. */
  command(bin: string, args: string[]): [string, string[]];
}

const SETPRIV = '/usr/bin/setpriv';

async function idOf(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const uid = Number((await run('id', ['-u', name])).stdout.trim());
    const gid = Number((await run('id', ['-g', name])).stdout.trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

async function ensureSystemUser(name: string): Promise<{ uid: number; gid: number }> {
  const existing = await idOf(name);
  if (existing) return existing;
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      name,
    ]);
  } catch (err) {
    throw new Error(
      `embedded Postgres cannot run as root and the system user "${name}" could not be created (${(err as Error).message.trim()}); create it or start RosterChirp as an ordinary user`,
    );
  }
  const created = await idOf(name);
  if (!created) throw new Error(`the system user "${name}" was created but cannot be looked up`);
  return created;
}

export async function resolvePostgresRunAs(): Promise<PostgresRunAs> {
  const isRoot = process.getuid?.() === 0;
  // setpriv (util-linux) sets the parent-death signal after switching user, then execs: the
  // postmaster is our direct child and gets SIGINT (a fast, clean shutdown) if we die, even by
  // SIGKILL. Without setpriv (not Linux) the stale-lock recovery at the next start still holds.
  const hasSetpriv = existsSync(SETPRIV);
  if (!isRoot) {
    return {
      user: undefined,
      command: (bin, args) => (hasSetpriv ? [SETPRIV, ['--pdeathsig', 'INT', bin, ...args]] : [bin, args]),
    };
  }
  if (!hasSetpriv)
    throw new Error(`running as root needs ${SETPRIV} (util-linux) to start Postgres as "postgres"`);
  const ids = await ensureSystemUser('postgres');
  return {
    user: { name: 'postgres', ...ids },
    command: (bin, args) => [
      SETPRIV,
      [
        '--reuid',
        String(ids.uid),
        '--regid',
        String(ids.gid),
        '--clear-groups',
        '--pdeathsig',
        'INT',
        bin,
        ...args,
      ],
    ],
  };
}

/**
 * Refuses, with a sentence that says how to fix it, when the Postgres user cannot reach a path
 * (a parent directory without search permission, such as /root). Checked by the user itself.
 */
export async function assertReachable(runAs: PostgresRunAs, path: string, what: string): Promise<void> {
  if (!runAs.user) return;
  const [cmd, args] = runAs.command('/bin/sh', ['-c', 'cd "$1"', 'sh', path]);
  try {
    await run(cmd, args);
  } catch {
    let blocked = path;
    for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
      const [c, a] = runAs.command('/bin/sh', ['-c', 'cd "$1"', 'sh', dir]);
      const ok = await run(c, a).then(
        () => true,
        () => false,
      );
      if (ok) break;
      blocked = dir;
    }
    throw new Error(
      `embedded Postgres runs as user "${runAs.user.name}" when RosterChirp runs as root, and that user cannot reach ${what} ${path} (${blocked} is not searchable by it); start RosterChirp as an ordinary user, or keep the project and DATA_DIR where that user can reach them (e.g. under /srv or /opt)`,
    );
  }
}
