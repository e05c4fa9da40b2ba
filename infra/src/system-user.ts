import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';

/** Postgres and PgBouncer refuse to run as root: as root we run them as the `postgres` user. */
export const isRoot = () => process.getuid?.() === 0;

export function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** The command line that runs `bin args…` as postgres when we are root (setpriv execs, so the pid is the program's). */
export function asPostgres(bin: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [bin, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', bin, ...args]];
}

export function giveToPostgres(...paths: string[]): void {
  if (!isRoot()) return;
  const { uid, gid } = postgresIds();
  for (const p of paths) chownSync(p, uid, gid);
}
