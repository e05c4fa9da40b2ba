/**
 * The store suite: every SQL store against real Postgres through PgBouncer in transaction mode.
 * Domain services rely on exactly what is asserted here.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createPool,
  migrateHostCatalog,
  migrateSchema,
  type Pool,
  type TenantDb,
  tenantDb,
} from '@rosterchirp/db';
import { startTestDatabase, type TestDatabase } from '@rosterchirp/infra';
import {
  createSqlHostAudit,
  createSqlStores,
  createSqlTenantCatalog,
  type Stores,
  UserGroupNameTaken,
  UserTaken,
} from '../src/index.ts';

const quiet = { error: () => undefined };

describe('SQL stores (Postgres through PgBouncer)', () => {
  let pg: TestDatabase;
  let pool: Pool;
  let db: TenantDb;
  const calls: Array<[string, string]> = [];
  let stores: Stores;
  let counter = 0;

  const newUser = (overrides: Partial<Parameters<Stores['users']['insert']>[1]> = {}) => {
    counter++;
    return stores.users.insert(db, {
      email: `person${counter}@store.test`,
      name: `Person ${counter}`,
      handle: `person.${counter}`,
      role: 'member',
      passwordHash: `hash-${counter}`,
      mustChangePassword: false,
      ...overrides,
    });
  };

  before(async () => {
    pg = await startTestDatabase();
    await migrateSchema(pg.directUrl, 'public');
    pool = createPool(pg.url, 5, quiet);
    db = tenantDb(pool, 'public');
    stores = createSqlStores((store, method) => calls.push([store, method]));
  });
  after(async () => {
    await pool?.end();
    await pg?.stop();
  });

  describe('users', () => {
    it('inserts, finds by id and by email in any case, lists without the deleted', async () => {
      const ada = await newUser({ email: 'ada@store.test', name: 'Ada' });
      assert.equal((await stores.users.byId(db, ada.id))?.email, 'ada@store.test');
      const found = await stores.users.byEmailWithHash(db, 'ADA@Store.Test');
      assert.equal(found?.user.id, ada.id);
      assert.equal(found?.passwordHash, `hash-${counter}`);
      assert.equal(await stores.users.byEmailWithHash(db, 'nobody@store.test'), null);
      assert.equal(await stores.users.byId(db, 999_999), null);
      assert.ok((await stores.users.list(db)).some((u) => u.id === ada.id));
    });

    it('refuses a taken email (any case) or handle with UserTaken naming the field', async () => {
      const taken = await newUser({ email: 'taken@store.test', handle: 'taken.handle' });
      await assert.rejects(
        newUser({ email: 'taken@store.test' }),
        (e) => e instanceof UserTaken && e.field === 'email',
      );
      await assert.rejects(
        newUser({ handle: taken.handle }),
        (e) => e instanceof UserTaken && e.field === 'handle',
      );
    });

    it('finds handles that are the base plus digits only', async () => {
      await newUser({ handle: 'brett.watson' });
      await newUser({ handle: 'brett.watson2' });
      await newUser({ handle: 'brett.watsonx' });
      assert.deepEqual([...(await stores.users.handlesLike(db, 'brett.watson'))].sort(), [
        'brett.watson',
        'brett.watson2',
      ]);
    });

    it('sets passwords and statuses; the scrub frees the address and empties the messages', async () => {
      const u = await newUser({ email: 'scrub@store.test' });
      await stores.users.setPassword(db, u.id, 'new-hash', true);
      assert.equal(await stores.users.passwordHash(db, u.id), 'new-hash');
      assert.equal((await stores.users.setStatus(db, u.id, 'suspended'))?.status, 'suspended');
      assert.equal(await stores.users.setStatus(db, 999_999, 'active'), null);
      const { rows } = await pool.query<{ id: number }>(
        "SELECT id FROM public.groups WHERE type = 'public' LIMIT 1",
      );
      let groupId = rows[0]?.id;
      if (!groupId) {
        const made = await pool.query<{ id: number }>(
          "INSERT INTO public.groups (type, name) VALUES ('public', 'Store channel') RETURNING id",
        );
        groupId = made.rows[0]!.id;
      }
      await pool.query(
        "INSERT INTO public.messages (group_id, author_id, content) VALUES ($1, $2, 'secret')",
        [groupId, u.id],
      );
      await stores.users.scrub(db, u.id);
      const after = await stores.users.byId(db, u.id);
      assert.equal(after?.email, `deleted_${u.id}@deleted`);
      assert.equal(after?.name, 'Deleted User');
      assert.equal(after?.status, 'deleted');
      assert.equal(await stores.users.passwordHash(db, u.id), null);
      const left = await pool.query("SELECT 1 FROM public.messages WHERE author_id = $1 AND content <> ''", [
        u.id,
      ]);
      assert.equal(left.rowCount, 0);
      assert.ok(!(await stores.users.list(db)).some((x) => x.id === u.id), 'the deleted are not listed');
      await newUser({ email: 'scrub@store.test' }); // the address is free again
    });
  });

  describe('sessions', () => {
    const open = (
      userId: number,
      device: 'desktop' | 'mobile',
      expiresAt = new Date(Date.now() + 60_000),
    ) => {
      const id = randomUUID();
      return stores.sessions
        .open(db, { id, userId, device, expiresAt, userAgent: 'store-test' })
        .then((displaced) => ({ id, displaced }));
    };

    it('one live session per device class: opening another displaces the old one', async () => {
      const u = await newUser();
      const first = await open(u.id, 'desktop');
      assert.deepEqual(first.displaced, []);
      const phone = await open(u.id, 'mobile');
      assert.deepEqual(phone.displaced, []);
      const second = await open(u.id, 'desktop');
      assert.deepEqual(second.displaced, [first.id]);
      assert.equal(await stores.sessions.liveSession(db, first.id, u.id), null);
      assert.equal((await stores.sessions.liveSession(db, second.id, u.id))?.user.id, u.id);
      assert.deepEqual(
        (await stores.sessions.listLive(db, u.id)).map((s) => s.id).sort(),
        [phone.id, second.id].sort(),
      );
    });

    it('a live user needs a live session of that user, unexpired, and an active account', async () => {
      const u = await newUser();
      const other = await newUser();
      const s = await open(u.id, 'desktop');
      assert.equal(await stores.sessions.liveSession(db, s.id, other.id), null, 'not with another user id');
      const old = await open(u.id, 'mobile', new Date(Date.now() - 1000));
      assert.equal(await stores.sessions.liveSession(db, old.id, u.id), null, 'not expired');
      await stores.users.setStatus(db, u.id, 'suspended');
      assert.equal(await stores.sessions.liveSession(db, s.id, u.id), null, 'not suspended');
    });

    it('revokes all but one, or one of the user’s own; touch moves last-seen', async () => {
      const u = await newUser();
      const a = await open(u.id, 'desktop');
      const b = await open(u.id, 'mobile');
      assert.deepEqual(await stores.sessions.revokeAll(db, u.id, 'test', a.id), [b.id]);
      assert.equal(await stores.sessions.revokeOne(db, a.id, u.id + 1, 'test'), false, 'not someone else’s');
      const before = (await stores.sessions.listLive(db, u.id))[0]!.lastSeenAt;
      await stores.sessions.touch(db, a.id);
      assert.ok((await stores.sessions.listLive(db, u.id))[0]!.lastSeenAt >= before);
      assert.equal(await stores.sessions.revokeOne(db, a.id, u.id, 'test'), true);
      assert.equal(await stores.sessions.revokeOne(db, a.id, u.id, 'test'), false, 'only once');
      assert.deepEqual(await stores.sessions.listLive(db, u.id), []);
    });
  });

  describe('settings', () => {
    it('keeps JSON values by key; unknown keys are undefined', async () => {
      assert.equal(await stores.settings.get(db, 'store_test_missing'), undefined);
      await stores.settings.set(db, 'store_test_obj', { a: [1, 'two'], b: true });
      assert.deepEqual(await stores.settings.get(db, 'store_test_obj'), { a: [1, 'two'], b: true });
      await stores.settings.set(db, 'store_test_obj', 'replaced');
      assert.equal(await stores.settings.get(db, 'store_test_obj'), 'replaced');
      assert.deepEqual(await stores.settings.getMany(db, ['store_test_obj', 'store_test_missing']), {
        store_test_obj: 'replaced',
      });
    });

    it('setIfAbsent: concurrent callers all get the one value that was kept', async () => {
      const kept = await Promise.all(
        Array.from({ length: 8 }, (_, i) => stores.settings.setIfAbsent(db, 'store_test_secret', `v${i}`)),
      );
      assert.equal(new Set(kept).size, 1);
      assert.equal(await stores.settings.get(db, 'store_test_secret'), kept[0]);
      assert.equal(await stores.settings.setIfAbsent(db, 'store_test_secret', 'later'), kept[0]);
    });
  });

  describe('uploads', () => {
    it('records pending and stored uploads and marks a pending one stored with its real size', async () => {
      const u = await newUser();
      const key = `public/image/${randomUUID()}.png`;
      const expiresAt = new Date(Date.now() + 60_000);
      await stores.uploads.addPending(db, {
        key,
        userId: u.id,
        kind: 'image',
        contentType: 'image/png',
        size: 10,
        expiresAt,
      });
      const pending = await stores.uploads.get(db, key);
      assert.deepEqual(pending && { ...pending, expiresAt: pending.expiresAt.getTime() }, {
        key,
        userId: u.id,
        kind: 'image',
        contentType: 'image/png',
        size: 10,
        status: 'pending',
        expiresAt: expiresAt.getTime(),
      });
      await stores.uploads.markStored(db, key, 7);
      assert.equal((await stores.uploads.get(db, key))?.status, 'stored');
      assert.equal((await stores.uploads.get(db, key))?.size, 7);
      const direct = `public/avatar/${randomUUID()}.webp`;
      await stores.uploads.addStored(db, {
        key: direct,
        userId: u.id,
        kind: 'avatar',
        contentType: 'image/webp',
        size: 3,
      });
      assert.equal((await stores.uploads.get(db, direct))?.status, 'stored');
      assert.equal(await stores.uploads.get(db, `public/image/${randomUUID()}.png`), null);
    });
  });

  describe('messages, reactions, previews, search', () => {
    let groupId: number;
    let author: number;
    const draft = (clientId: string, content: string, replyTo: number | null = null, inGroup = groupId) => ({
      groupId: inGroup,
      authorId: author,
      clientId,
      content,
      imageKey: null,
      replyTo,
      mentions: [] as string[],
    });
    const send = async (clientId: string, content: string, replyTo: number | null = null) =>
      (await stores.messages.insertMany(db, [draft(clientId, content, replyTo)]))[0]!;

    before(async () => {
      author = (await newUser({ name: 'Msg Author' })).id;
      const { rows } = await pool.query<{ id: number }>(
        "INSERT INTO public.groups (type, name) VALUES ('private', 'Store messages') RETURNING id",
      );
      groupId = rows[0]!.id;
    });

    it('inserts once per clientId, in order, and pages both ways', async () => {
      const a = await send('s-1', 'one');
      const b = await send('s-2', 'two');
      assert.ok(a && b && b.id > a.id && b.seq > a.seq);
      assert.equal(await send('s-1', 'one again'), null, 'a reused clientId inserts nothing');
      assert.deepEqual(await stores.messages.byClientId(db, author, 's-1'), { id: a!.id, groupId });
      assert.equal(await stores.messages.inGroup(db, a!.id, groupId), true);
      assert.equal(await stores.messages.inGroup(db, a!.id, groupId + 1), false);
      const newest = await stores.messages.page(db, groupId, author, {}, 10);
      assert.deepEqual(newest.map((m) => m.content).slice(0, 2), ['two', 'one'], 'newest first');
      const after = await stores.messages.page(db, groupId, author, { after: a!.id }, 10);
      assert.deepEqual(
        after.map((m) => m.id),
        [b!.id],
        'oldest first after a cursor',
      );
      const before = await stores.messages.page(db, groupId, author, { before: b!.id }, 10);
      assert.deepEqual(
        before.map((m) => m.id),
        [a!.id],
      );
    });

    it('writes a batch of several groups in one statement: one answer per message, in order', async () => {
      const { rows } = await pool.query<{ id: number }>(
        "INSERT INTO public.groups (type, name) VALUES ('private', 'Store batch') RETURNING id",
      );
      const other = rows[0]!.id;
      const seqBefore = (await pool.query('SELECT change_seq FROM public.groups WHERE id = $1', [other]))
        .rows[0].change_seq;
      const answers = await stores.messages.insertMany(db, [
        { ...draft('b-1', 'first', null, other), mentions: ['sam', 'quote"d'] },
        draft('b-2', 'second'),
        draft('b-1', 'the same clientId again in the batch', null, other),
        draft('s-1', 'a clientId used before the batch'),
        draft('b-3', 'third', null, other),
      ]);
      assert.equal(answers.length, 5);
      assert.equal(answers[2], null, 'a clientId twice in one batch is written once');
      assert.equal(answers[3], null, 'a clientId used earlier is not written again');
      const [first, second, , , third] = answers;
      assert.ok(
        first && second && third && first.id < second.id && second.id < third.id,
        'ids in arrival order',
      );
      assert.equal(third.seq, first.seq + 1, "the other group's sequence counts its two messages");
      assert.equal(Number(seqBefore) + 2, third.seq);
      const written = await stores.messages.load(db, first.id, author);
      assert.deepEqual(written?.mentions, ['sam', 'quote"d']);
      assert.equal(written?.content, 'first');
      assert.equal((await stores.messages.load(db, third.id, author))?.groupId, other);
    });

    it('edits keep history, deletes empty the row and return the new sequence, pins toggle once', async () => {
      const m = (await send('s-edit', 'draft'))!;
      await stores.messages.edit(db, m.id, 'final', ['someone']);
      const edited = await stores.messages.load(db, m.id, author);
      assert.equal(edited?.content, 'final');
      assert.ok(edited?.editedAt);
      const { rows } = await pool.query('SELECT content FROM public.message_edits WHERE message_id = $1', [
        m.id,
      ]);
      assert.deepEqual(rows, [{ content: 'draft' }]);
      assert.equal(await stores.messages.setPinned(db, m.id, author), true);
      assert.equal(await stores.messages.setPinned(db, m.id, author), false, 'already pinned');
      assert.deepEqual(
        (await stores.messages.pinned(db, groupId, author, 10)).map((x) => x.id),
        [m.id],
      );
      const seq = await stores.messages.softDelete(db, m.id);
      assert.ok(seq && seq > edited!.seq);
      const head = await stores.messages.head(db, m.id);
      assert.ok(head?.deletedAt);
      assert.deepEqual(await stores.messages.pinned(db, groupId, author, 10), [], 'deleting unpins');
      const changed = await stores.messages.changedSince(db, groupId, author, edited!.seq, 10);
      assert.deepEqual(
        changed.map((x) => x.id),
        [m.id],
      );
      assert.equal(await stores.messages.softDelete(db, 999_999_999), null);
    });

    it('reactions toggle and stop at the distinct cap; previews cache refusals too', async () => {
      const m = (await send('s-react', 'react'))!;
      assert.equal(await stores.reactions.toggle(db, m.id, author, '👍', 2), 'added');
      assert.equal(await stores.reactions.toggle(db, m.id, author, '🎉', 2), 'added');
      assert.equal(await stores.reactions.toggle(db, m.id, author, '😀', 2), 'full');
      assert.equal(await stores.reactions.toggle(db, m.id, author, '👍', 2), 'removed');
      assert.deepEqual(
        (await stores.messages.load(db, m.id, author))?.reactions.map((r) => r.emoji),
        ['🎉'],
      );
      const url = `https://example.test/${randomUUID()}`;
      assert.equal(await stores.linkPreviews.fresh(db, url, 24), null);
      await stores.linkPreviews.save(db, url, null);
      assert.equal(await stores.linkPreviews.fresh(db, url, 24), false, 'a refusal is remembered');
      await stores.linkPreviews.save(db, url, { title: 'T', description: null, image: null });
      assert.equal(await stores.linkPreviews.fresh(db, url, 24), true);
    });

    it('search finds word prefixes and word parts in readable conversations only', async () => {
      await send('s-search', 'mountaineering gear list');
      const outsider = await newUser();
      const hits = (terms: string[], viewer: number) =>
        stores.search.search(db, viewer, terms, undefined, 10);
      assert.equal((await hits(['mount'], author)).length, 0, 'not a member of the private group');
      await pool.query('INSERT INTO public.group_members (group_id, user_id) VALUES ($1, $2)', [
        groupId,
        author,
      ]);
      assert.deepEqual(
        (await hits(['mount'], author)).map((m) => m.content),
        ['mountaineering gear list'],
      );
      assert.deepEqual((await hits(['ntaineer', 'gear'], author)).length, 1, 'inside a word, every term');
      assert.equal((await hits(['mount'], outsider.id)).length, 0);
      const labels = await stores.search.labels(db, [groupId], author);
      assert.deepEqual(labels.get(groupId), { type: 'private', name: 'Store messages' });
    });
  });

  describe('groups, user groups and the seed', () => {
    it("a public channel's member count is everyone active, kept by triggers through adds, status changes and bulk inserts", async () => {
      const viewer = await newUser();
      const channel = await stores.groups.createPublic(db, `Counted ${randomUUID().slice(0, 8)}`, viewer.id);
      const countNow = async () =>
        (await stores.groups.visible(db, viewer.id)).find((g) => g.id === channel)!.memberCount;
      const active = async () =>
        Number((await pool.query("SELECT count(*) FROM public.users WHERE status = 'active'")).rows[0].count);
      assert.equal(await countNow(), await active());
      const before = await countNow();
      const added = await newUser();
      assert.equal(await countNow(), before + 1);
      await stores.users.setStatus(db, added.id, 'suspended');
      assert.equal(await countNow(), before);
      await stores.users.setStatus(db, added.id, 'active');
      await stores.users.setStatus(db, added.id, 'active');
      assert.equal(await countNow(), before + 1, 'a status set to what it was changes nothing');
      await pool.query(
        `INSERT INTO public.users (email, name, handle, status)
         SELECT 'bulk' || i || '-${randomUUID().slice(0, 6)}@store.test', 'Bulk', 'bulk.${randomUUID().slice(0, 6)}.' || i,
                CASE WHEN i % 2 = 0 THEN 'active' ELSE 'suspended' END
         FROM generate_series(1, 10) AS i`,
      );
      assert.equal(await countNow(), before + 6, 'one statement, five of ten active');
      assert.equal(await countNow(), await active());
    });

    it('private groups: members, access, views, rename, add and remove', async () => {
      const owner = await newUser({ name: 'Gus Owner' });
      const member = await newUser({ name: 'Mia Member' });
      const stranger = await newUser({ name: 'Stan Stranger' });
      const id = await stores.groups.createPrivate(db, 'Team room', owner.id, [owner.id, member.id]);
      assert.deepEqual((await stores.groups.memberIds(db, id)).sort(), [owner.id, member.id].sort());
      assert.equal((await stores.groups.access(db, id, member.id))?.isMember, true);
      assert.equal((await stores.groups.access(db, id, stranger.id))?.isMember, false);
      assert.equal(await stores.groups.access(db, 999_999, owner.id), null);
      assert.equal((await stores.groups.view(db, owner.id, id))?.name, 'Team room');
      assert.equal(await stores.groups.view(db, stranger.id, id), null, 'invisible to outsiders');
      await stores.groups.rename(db, id, 'Renamed');
      assert.ok(
        (await stores.groups.visible(db, member.id)).some((g) => g.id === id && g.name === 'Renamed'),
      );
      assert.deepEqual(await stores.groups.addMembers(db, id, [member.id, stranger.id]), [stranger.id]);
      assert.equal(await stores.groups.removeMember(db, id, stranger.id), 'Stan Stranger');
      assert.equal(await stores.groups.removeMember(db, id, stranger.id), null);
      assert.deepEqual(
        (await stores.groups.members(db, id, false, 10)).map((m) => m.id).sort(),
        [owner.id, member.id].sort(),
      );
      assert.ok((await stores.groups.memberGroupIds(db, member.id)).includes(id));
      const names = await stores.groups.activeNames(db, [owner.id, 999_999]);
      assert.deepEqual([...names.keys()], [owner.id]);
    });

    it('direct chats exist once per pair and turn read-only when the other side is deleted', async () => {
      const a = await newUser();
      const b = await newUser();
      const key = `${Math.min(a.id, b.id)}:${Math.max(a.id, b.id)}`;
      const id = await stores.groups.createDirect(db, a.id, b.id, key);
      assert.ok(id);
      assert.equal(await stores.groups.createDirect(db, b.id, a.id, key), null);
      assert.equal(await stores.groups.directByKey(db, key), id);
      assert.equal((await stores.groups.access(db, id!, a.id))?.readonly, false);
      await stores.users.scrub(db, b.id);
      assert.equal((await stores.groups.access(db, id!, a.id))?.readonly, true);
    });

    it('user groups: managed chat, unique names, member sync, restrictions', async () => {
      const [x, y, z] = [await newUser(), await newUser(), await newUser()];
      const ug = await stores.userGroups.create(db, 'Drivers store', x.id, [x.id, y.id]);
      await assert.rejects(stores.userGroups.create(db, 'Drivers store', x.id, []), UserGroupNameTaken);
      const [created] = await stores.userGroups.list(db, ug);
      assert.deepEqual(
        created?.memberIds,
        [x.id, y.id].sort((p, q) => p - q),
      );
      const chat = created!.managedGroupId!;
      const first = await stores.userGroups.syncChatMembers(db, chat, [x.id, y.id]);
      assert.deepEqual(first.added.sort(), [x.id, y.id].sort());
      const second = await stores.userGroups.syncChatMembers(db, chat, [x.id, z.id]);
      assert.deepEqual(second.added, [z.id]);
      assert.deepEqual(
        second.removed.map((r) => r.id),
        [y.id],
      );
      await stores.userGroups.update(db, ug, {
        name: 'Drivers renamed',
        memberIds: [z.id],
        managedGroupId: chat,
      });
      assert.equal(
        (await stores.groups.view(db, x.id, chat))?.name,
        'Drivers renamed',
        'the chat follows the name',
      );
      const other = await stores.userGroups.create(db, 'Riders store', y.id, [y.id]);
      await stores.userGroups.setRestrictions(db, [{ fromUserGroupId: other, toUserGroupId: ug }]);
      assert.equal(await stores.groups.dmRestricted(db, y.id, z.id), true);
      assert.equal(await stores.groups.dmRestricted(db, z.id, y.id), false, 'one-way');
      assert.deepEqual(await stores.userGroups.existingIds(db, [ug, 999_999]), [ug]);
      await stores.userGroups.remove(db, ug, chat);
      assert.equal(
        (await stores.groups.access(db, chat, z.id))?.type,
        'private',
        'the chat stays, as private',
      );
    });

    it('the seed adds event types once and one default channel even when run together', async () => {
      const types = [{ name: 'StoreType', colour: '#123456' }];
      await stores.seed.seedEventTypes(db, types);
      await stores.seed.seedEventTypes(db, types);
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM public.event_types WHERE name = 'StoreType'",
      );
      assert.equal(rows[0].n, 1);
      await pool.query("DELETE FROM public.settings WHERE key = 'default_chat_id'");
      const before = (
        await pool.query("SELECT count(*)::int AS n FROM public.groups WHERE name = 'Seeded chat'")
      ).rows[0].n;
      await Promise.all([1, 2, 3].map(() => stores.seed.ensureDefaultChat(db, 'Seeded chat')));
      const after = (
        await pool.query("SELECT count(*)::int AS n FROM public.groups WHERE name = 'Seeded chat'")
      ).rows[0].n;
      assert.equal(after - before, 1);
      assert.ok(await stores.settings.get(db, 'default_chat_id'));
    });
  });

  describe('host catalog and audit', () => {
    it('inserts once per slug, patches, hides deleting rows, finds by custom domain', async () => {
      await migrateHostCatalog(pg.directUrl);
      const catalog = createSqlTenantCatalog(db);
      const row = await catalog.insert({
        slug: 'store-co',
        name: 'Store Co',
        plan: 'chat',
        schema: 'tenant_store_co',
      });
      assert.equal(row?.status, 'provisioning');
      assert.equal(
        await catalog.insert({ slug: 'store-co', name: 'Again', plan: 'team', schema: 'x' }),
        undefined,
      );
      const patched = await catalog.update('store-co', { status: 'active', customDomain: 'chat.store.test' });
      assert.equal(patched?.customDomain, 'chat.store.test');
      assert.equal((await catalog.byCustomDomain('chat.store.test'))?.slug, 'store-co');
      assert.ok((await catalog.list()).some((t) => t.slug === 'store-co'));
      await catalog.update('store-co', { status: 'deleting' });
      assert.ok(!(await catalog.list()).some((t) => t.slug === 'store-co'), 'deleting rows are hidden');
      await catalog.remove('store-co');
      assert.equal(await catalog.bySlug('store-co'), undefined);
    });

    it('records audit entries (NULs shown as U+FFFD), newest first, by tenant', async () => {
      const audit = createSqlHostAudit(db);
      await audit.record({
        action: 'tenant.create',
        slug: 'aud',
        outcome: 'ok',
        ip: '127.0.0.1',
        details: { n: 1 },
      });
      await audit.record({
        action: 'tenant.update',
        slug: 'aud',
        outcome: 'refused: a\u0000b',
        ip: null,
        details: { name: 'x\u0000y' },
      });
      await audit.record({ action: 'tenant.create', slug: 'other', outcome: 'ok', ip: null, details: {} });
      const mine = await audit.recent(10, 'aud');
      assert.deepEqual(
        mine.map((e) => e.action),
        ['tenant.update', 'tenant.create'],
      );
      assert.equal(mine[0]?.outcome, 'refused: a\ufffdb');
      assert.deepEqual(mine[0]?.details, { name: 'x\ufffdy' });
      assert.equal((await audit.recent(1)).length, 1);
    });
  });

  it('every store call is timed by store and method (the /metrics histogram)', () => {
    assert.ok(calls.some(([s, m]) => s === 'users' && m === 'insert'));
    assert.ok(calls.some(([s, m]) => s === 'sessions' && m === 'open'));
    assert.ok(
      calls.some(([s, m]) => s === 'users' && m === 'scrub'),
      'failures and transactions too',
    );
  });
});
