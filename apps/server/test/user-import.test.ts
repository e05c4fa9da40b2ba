/** CSV import of people: a dry run that writes nothing, per-row problems, then the import. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImportUsersReply } from '@rosterchirp/protocol';
import {
  ADMIN,
  adminWorldForSuite,
  api,
  connectSocket,
  countRows,
  createMember,
  login,
  recordEvents,
  waitFor,
} from './harness.ts';

describe('importing people from CSV', () => {
  const world = adminWorldForSuite();

  const run = (csv: string, dryRun: boolean, token = world.adminToken) =>
    api<ImportUsersReply & { error: { code: string; message: string; details: { field: string } } }>(
      world.server,
      'POST',
      '/api/users/import',
      { token, body: { csv, dryRun } },
    );

  it('a dry run reports every row and writes nothing; the import creates the good rows', async () => {
    const csv = [
      '\ufeffName,Email,Role',
      '"Doe, Jane",jane@import.test,manager',
      '"Multi',
      'Line",multi@import.test,',
      'No Email,,member',
      'Bad Address,not-an-email,member',
      'Twice,jane@import.test,member',
      `Taken,${ADMIN.email},member`,
      'Odd Role,odd@import.test,owner',
      '',
    ].join('\r\n');
    const users = await countRows(world.server, 'users');
    const dry = await run(csv, true);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.created, 0);
    assert.deepEqual(
      dry.body.rows.map((r) => [r.line, r.email, r.status, r.error ?? '']),
      [
        [2, 'jane@import.test', 'ok', ''],
        [3, 'multi@import.test', 'ok', ''],
        [5, '', 'error', 'This is not an email address'],
        [6, 'not-an-email', 'error', 'This is not an email address'],
        [7, 'jane@import.test', 'error', 'Also on line 2 of this file'],
        [8, ADMIN.email, 'error', 'Already a user here'],
        [9, 'odd@import.test', 'error', 'Unknown role "owner" (member, manager or admin)'],
      ],
    );
    assert.equal(await countRows(world.server, 'users'), users, 'a dry run writes nothing');

    const done = await run(csv, false);
    assert.equal(done.body.created, 2);
    const jane = done.body.rows.find((r) => r.email === 'jane@import.test' && r.status === 'ok');
    assert.match(jane?.password ?? '', /^\S{19}$/, 'the generated password is shown once');
    const signedIn = await login(world.server, 'jane@import.test', jane!.password!);
    assert.equal(signedIn.user.name, 'Doe, Jane');
    assert.equal(signedIn.user.role, 'manager');
    assert.equal(signedIn.user.mustChangePassword, true);
    const multi = await api<{ users: Array<{ name: string }> }>(
      world.server,
      'GET',
      '/api/users?q=multi%40',
      {
        token: world.adminToken,
      },
    );
    assert.equal(multi.body.users[0]?.name, 'Multi\nLine', 'a line break inside quotes is kept (as LF)');
    assert.equal(await countRows(world.server, 'users'), users + 2);
  });

  it('a file the parser cannot read, or without the columns, is a clear 400 and writes nothing', async () => {
    const users = await countRows(world.server, 'users');
    for (const [csv, pattern] of [
      ['name,email\n"unclosed,a@b.c\n', /not valid CSV/],
      ['first,last\nA,B\n', /name,email/],
      ['name,email\n', /no people/],
      ['name,email\nA,a\u0000@b.c\n', /NUL/],
    ] as const) {
      const res = await run(csv, false);
      assert.equal(res.status, 400, csv);
      assert.match(res.body.error.message, pattern);
    }
    assert.equal(await countRows(world.server, 'users'), users);
  });

  it('the importing device hears how far a real import got; a dry run is silent', async () => {
    const socket = await connectSocket(world.server, world.adminToken);
    const heard = recordEvents(socket);
    try {
      const lines = ['name,email'];
      for (let i = 0; i < 60; i++) lines.push(`Progress ${i},progress${i}@import.test`);
      await run(lines.join('\n'), true);
      const res = await run(lines.join('\n'), false);
      assert.equal(res.body.created, 60);
      await waitFor('the last progress event', () =>
        heard.some((h) => h.event === 'import:progress' && (h.data as { done: number }).done === 60),
      );
      const progress = heard.filter((h) => h.event === 'import:progress').map((h) => h.data);
      assert.deepEqual(progress, [
        { done: 25, total: 60 },
        { done: 50, total: 60 },
        { done: 60, total: 60 },
      ]);
    } finally {
      socket.close();
    }
  });

  it('10,000 rows dry-run in one request; members may not import; oversize is refused', async () => {
    const lines = ['name,email'];
    for (let i = 0; i < 10_000; i++) lines.push(`Person ${i},p${i}@bulk.test`);
    const dry = await run(lines.join('\n'), true);
    assert.equal(dry.status, 200);
    assert.equal(dry.body.rows.filter((r) => r.status === 'ok').length, 10_000);
    const member = await createMember(world.server, world.adminToken, 'Mia Member');
    assert.equal((await run('name,email\nA,a@b.c\n', true, member.token)).status, 403);
    const big = await run(`name,email\n${'x'.repeat(5_000_001)}`, true);
    assert.equal(big.status, 400);
  });
});
