import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort, stopProcess, waitUntil } from './processes.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface InstanceHandle {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** One RosterChirp server process (the same entry point as `pnpm start`), logging to a file. */
export async function startInstance(opts: {
  name: string;
  env: Record<string, string>;
  logFile: string;
  port?: number;
  /** Extra node flags, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
}): Promise<InstanceHandle> {
  const port = opts.port ?? (await freePort());
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), '--import', './apps/server/loader/register.mjs', 'apps/server/src/server.ts'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...opts.env,
        PORT: String(port),
        BIND_HOST: '127.0.0.1',
        INSTANCE_ID: opts.name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const ready = waitUntil(
    `instance ${opts.name} on ${port}`,
    async () => (await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(2000) })).status === 200,
    60_000,
  );
  const died = exited.then(async () => {
    const tail = (await readFile(opts.logFile, 'utf8').catch(() => '')).slice(-2000);
    throw new Error(
      `instance ${opts.name} exited with ${child.exitCode ?? child.signalCode} before it was ready:\n${tail}`,
    );
  });
  try {
    await Promise.race([ready, died]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  died.catch(() => undefined);
  return {
    name: opts.name,
    port,
    url,
    child,
    pid: child.pid!,
    exited,
    stop: () => stopProcess(child, 15_000),
  };
}
