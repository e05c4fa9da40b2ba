/**
 * The access caches (sessions.liveSession, groups.access answered from memory) against real
 * Postgres: two "instances" each with their own cache and their own LISTEN connection; changes
 * made by the other instance — or by plain SQL — reach a cache through the database's change
 * notices; an instance's own writes are seen by its next call at once; without notices nothing
 * is served from memory.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type ChangeNotices,
  createPool,
  listenForChanges,
  migrateSchema,
  type Pool,
  type TenantDb,
  tenantDb,
} from '@rosterchirp/db';
import { startTestDatabase, type TestDatabase } from '@rosterchirp/infra';
import { cacheAccessChecks, createSqlStores, type Stores } from '../src/index.ts';

const quiet = { error: () => undefined };

async function waitFor(what: string, check: () => Promise<boolean>, ms = 5000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('access caches kept right by change notices (Postgres LISTEN)', () => {
  let pg: TestDatabase;
  let pool: Pool;
  let db: TenantDb;
  let noticesA: ChangeNotices;
  let noticesB: ChangeNotices;
  /** Calls that reached the SQL store of instance A, by "store.method". */
  const asked = new Map<string, number>();
  let a: Stores;
  let b: Stores;
  let counter = 0;
  const askedFor = (call: string) => asked.get(call) ?? 0;

  const newUser = async () => {
    counter++;
    return a.users.insert(db, {
      email: `cached${counter}@store.test`,
      name: `Cached ${counter}`,
      handle: `cached.${counter}`,
      role: 'member',
      passwordHash: 'hash',
      mustChangePassword: false,
    });
  };
  const newSession = async (userId: number) => {
    const id = randomUUID();
    await a.sessions.open(db, {
      id,
      userId,
      device: 'desktop',
      expiresAt: new Date(Date.now() + 3_600_000),
      userAgent: null,
    });
    return id;
  };

  before(async () => {
    pg = await startTestDatabase();
    await migrateSchema(pg.directUrl, 'public');
    pool = createPool(pg.url, 5, quiet);
    db = tenantDb(pool, 'public');
    noticesA = listenForChanges([pg.directUrl]);
    noticesB = listenForChanges([pg.directUrl]);
    const options = { ttlMs: 60_000, maxEntries: 1000 };
    a = cacheAccessChecks(
      createSqlStores((store, method) => asked.set(`${store}.${method}`, askedFor(`${store}.${method}`) + 1)),
      noticesA,
      options,
    );
    b = cacheAccessChecks(createSqlStores(), noticesB, options);
    await waitFor('both listening', async () => noticesA.live && noticesB.live);
  });
  after(async () => {
    await noticesA?.close();
    await noticesB?.close();
    await pool?.end();
    await pg?.stop();
  });

  it('answers a repeated session check from memory, and forgets it when another instance revokes', async () => {
    const user = await newUser();
    const sid = await newSession(user.id);
    assert.equal((await a.sessions.liveSession(db, sid, user.id))?.user.id, user.id);
    const before = askedFor('sessions.liveSession');
    assert.equal((await a.sessions.liveSession(db, sid, user.id))?.user.id, user.id);
    assert.equal(askedFor('sessions.liveSession'), before, 'the second check asked nobody');
    assert.equal(
      await a.sessions.liveSession(db, sid, user.id + 1),
      null,
      "another person's id is not served",
    );

    assert.equal(await b.sessions.revokeOne(db, sid, user.id, 'logout'), true);
    await waitFor(
      'A forgets the revoked session',
      async () => (await a.sessions.liveSession(db, sid, user.id)) === null,
    );
  });

  it('sees its own writes at once: a revocation, a suspension, a rename', async () => {
    const user = await newUser();
    const sid = await newSession(user.id);
    await a.sessions.liveSession(db, sid, user.id);
    await a.users.update(db, user.id, { name: 'Renamed Person' });
    assert.equal((await a.sessions.liveSession(db, sid, user.id))?.user.name, 'Renamed Person');
    await a.users.setStatus(db, user.id, 'suspended');
    assert.equal(
      await a.sessions.liveSession(db, sid, user.id),
      null,
      'a suspended person has no live session',
    );
    await a.users.setStatus(db, user.id, 'active');
    assert.equal((await a.sessions.liveSession(db, sid, user.id))?.user.id, user.id);
    await a.sessions.revokeAll(db, user.id, 'password_changed');
    assert.equal(await a.sessions.liveSession(db, sid, user.id), null);
    // A new sign-in on the same device class displaces the live session of that class.
    const first = await newSession(user.id);
    assert.equal((await a.sessions.liveSession(db, first, user.id))?.user.id, user.id);
    await newSession(user.id);
    assert.equal(
      await a.sessions.liveSession(db, first, user.id),
      null,
      'the displaced session is over here at once',
    );
  });

  it('never serves a session past its expiry', async () => {
    const user = await newUser();
    const id = randomUUID();
    await a.sessions.open(db, {
      id,
      userId: user.id,
      device: 'desktop',
      expiresAt: new Date(Date.now() + 1500),
      userAgent: null,
    });
    await waitFor('remembered', async () => {
      await a.sessions.liveSession(db, id, user.id);
      const before = askedFor('sessions.liveSession');
      await a.sessions.liveSession(db, id, user.id);
      return askedFor('sessions.liveSession') === before;
    });
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal(await a.sessions.liveSession(db, id, user.id), null);
  });

  it('hears changes made by plain SQL: a session revoked, a person renamed', async () => {
    const user = await newUser();
    const sid = await newSession(user.id);
    await a.sessions.liveSession(db, sid, user.id);
    await pool.query('UPDATE public.users SET display_name = $2 WHERE id = $1', [user.id, 'From SQL']);
    await waitFor(
      'the new display name',
      async () => (await a.sessions.liveSession(db, sid, user.id))?.user.displayName === 'From SQL',
    );
    await pool.query('UPDATE public.sessions SET revoked_at = now() WHERE id = $1', [sid]);
    await waitFor('the revocation', async () => (await a.sessions.liveSession(db, sid, user.id)) === null);
  });

  it('keeps conversation access right across instances: joins, removals, read-only direct chats', async () => {
    const owner = await newUser();
    const member = await newUser();
    const gid = await a.groups.createPrivate(db, 'Cached room', owner.id, [owner.id]);
    // The notices of the room's creation may still be on their way (they forget what is
    // asked meanwhile): once they are in, a repeated question asks nobody.
    await waitFor('an answer from memory', async () => {
      assert.equal((await a.groups.access(db, gid, member.id))?.isMember, false);
      const before = askedFor('groups.access');
      await a.groups.access(db, gid, member.id);
      return askedFor('groups.access') === before;
    });

    await b.groups.addMembers(db, gid, [member.id]);
    await waitFor(
      'A sees the join',
      async () => (await a.groups.access(db, gid, member.id))?.isMember === true,
    );
    await b.groups.removeMember(db, gid, member.id);
    await waitFor(
      'A sees the removal',
      async () => (await a.groups.access(db, gid, member.id))?.isMember === false,
    );
    // Its own write: at once.
    await a.groups.addMembers(db, gid, [member.id]);
    assert.equal((await a.groups.access(db, gid, member.id))?.isMember, true);
    await a.groups.rename(db, gid, 'Renamed room');
    assert.equal((await a.groups.access(db, gid, owner.id))?.name, 'Renamed room');

    // A direct chat turns read-only when the other person is deleted (a change of the person).
    const dm = (await a.groups.createDirect(db, owner.id, member.id, `${owner.id}:${member.id}`))!;
    assert.equal((await a.groups.access(db, dm, owner.id))?.readonly, false);
    await pool.query("UPDATE public.users SET status = 'deleted' WHERE id = $1", [member.id]);
    await waitFor(
      'A sees the chat read-only',
      async () => (await a.groups.access(db, dm, owner.id))?.readonly === true,
    );
  });

  it('serves nothing from memory while notices are not being received', async () => {
    const deaf = listenForChanges(['postgres://nobody@127.0.0.1:1/nothing'], { retryMs: 60_000 });
    try {
      assert.equal(deaf.live, false);
      const c = cacheAccessChecks(createSqlStores(), deaf, { ttlMs: 60_000, maxEntries: 10 });
      const user = await newUser();
      const sid = await newSession(user.id);
      assert.equal((await c.sessions.liveSession(db, sid, user.id))?.user.id, user.id);
      await pool.query('UPDATE public.sessions SET revoked_at = now() WHERE id = $1', [sid]);
      assert.equal(await c.sessions.liveSession(db, sid, user.id), null, 'asked the database again');
    } finally {
      await deaf.close();
    }
  });
});
