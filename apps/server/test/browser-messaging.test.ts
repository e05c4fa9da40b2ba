import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RedisHandle, type S3Handle, startRedis, startS3 } from '@rosterchirp/infra';
import { S3Storage } from '@rosterchirp/storage';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SHOTS, signIn } from './browser-kit.ts';
import {
  ADMIN,
  api,
  createMember,
  createPrivateGroup,
  login,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

const PNG_FILE = join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png');

/** Reply, react, mention, image, pin, edit, delete and search, live between two browsers on two instances. */
describe('messaging features in headless Chromium', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let other: TestServer;
  let redis: RedisHandle;
  let s3: S3Handle;
  let browser: Browser;
  let a: Page;
  let b: Page;
  let room: number;
  let longRoom: number;
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let aliceApi: string;

  before(async () => {
    pg = await startTestPostgres();
    // Two instances sharing Postgres, Redis and S3: alice uses one, bob the other.
    redis = await startRedis();
    s3 = await startS3();
    const storage = () => new S3Storage(s3.settings);
    server = await startTestServer(pg, { instanceId: 'A', redisUrl: redis.url, storage: storage() });
    other = await startTestServer(pg, { instanceId: 'B', redisUrl: redis.url, storage: storage() });
    const admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await createMember(server, admin.token, 'Alice Ant');
    bob = await createMember(server, admin.token, 'Bob Bee');
    room = await createPrivateGroup(server, alice.token, 'Trip planning', [bob.user.id]);
    await sendMessage(server, alice.token, room, 'The mountain trip is on Saturday, meet at 8');
    // A long conversation for the windowed list: 900 messages.
    longRoom = await createPrivateGroup(server, alice.token, 'Archive', [bob.user.id]);
    await server.pool.query(
      `INSERT INTO public.messages (group_id, author_id, content, created_at)
       SELECT $1, $2, 'archive message ' || i, now() - make_interval(mins => 900 - i) FROM generate_series(1, 900) i`,
      [longRoom, alice.user.id],
    );
    await api(server, 'POST', '/api/usergroups', {
      token: admin.token,
      body: { name: 'Drivers', memberIds: [alice.user.id, bob.user.id] },
    });
    browser = await launchChromium();
    const open = async (base: string, email: string, password: string) => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 820 } })).newPage();
      await signIn(page, base, email, password);
      await page.getByRole('button', { name: /Trip planning/ }).click();
      await page.getByRole('log').getByText('The mountain trip').waitFor();
      return page;
    };
    a = await open(server.url, alice.user.email, alice.password);
    b = await open(other.url, bob.user.email, bob.password);
    // Alice's API calls use her phone session, so her desktop browser session stays signed in.
    aliceApi = (await login(server, alice.user.email, alice.password, 'mobile')).token;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await other?.close();
    await s3?.stop();
    await redis?.stop();
    await pg?.stop();
  });

  const row = (page: Page, text: string) => page.locator('.msg').filter({ hasText: text }).last();

  it('bob reacts and replies; alice sees both live', async () => {
    const target = row(b, 'The mountain trip');
    await target.hover();
    await target.getByRole('button', { name: 'React 👍' }).click();
    await row(a, 'The mountain trip').getByRole('button', { name: '👍 1' }).waitFor({ timeout: 10_000 });
    await target.hover();
    await target.getByRole('button', { name: 'Reply' }).click();
    await b.getByText('Replying to').waitFor();
    await b.getByRole('textbox', { name: 'Message', exact: true }).fill('Count me in, I will drive');
    await b.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    const reply = row(a, 'Count me in');
    await reply.waitFor({ timeout: 10_000 });
    assert.match((await reply.locator('.msg__reply').textContent()) ?? '', /Alice Ant.*The mountain trip/);
  });

  it('alice mentions bob with autocomplete; the mention is highlighted for bob', async () => {
    await a.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('Thanks @bo');
    await a.getByRole('button', { name: /Bob Bee @bob\.bee/ }).waitFor();
    await a.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    assert.equal(
      await a.getByRole('textbox', { name: 'Message', exact: true }).inputValue(),
      'Thanks @bob.bee ',
    );
    await a.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('see you there');
    await a.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await b.locator('.mention--me', { hasText: '@bob.bee' }).waitFor({ timeout: 10_000 });
    await row(b, 'Thanks @bob.bee see you there').waitFor();
  });

  it('alice attaches an image; bob sees it inline and opens the viewer', async () => {
    await a.locator('input[type=file]').setInputFiles(PNG_FILE);
    const img = b.locator('.msg__image').last();
    await img.waitFor({ timeout: 15_000 });
    // Polled through the locator: a string predicate would need eval, which our CSP forbids.
    await waitFor('the image to load', () =>
      img.evaluate((el) => {
        const image = el as unknown as { complete: boolean; naturalWidth: number };
        return image.complete && image.naturalWidth === 192;
      }),
    );
    await img.click();
    const viewer = b.locator('.viewer');
    await viewer.waitFor();
    await viewer.click();
    await viewer.waitFor({ state: 'detached' });
  });

  it('pin, edit and delete travel live too', async () => {
    const mine = row(a, 'Count me in');
    await mine.hover();
    await mine.getByRole('button', { name: 'Pin' }).click();
    await row(b, 'Count me in').getByText('📌 Pinned').waitFor({ timeout: 10_000 });
    const own = row(b, 'Count me in');
    await own.hover();
    await own.getByRole('button', { name: 'Edit' }).click();
    await b.getByText('Editing message').waitFor();
    await b.getByRole('textbox', { name: 'Message', exact: true }).fill('Count me in, I will drive the van');
    await b.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await row(a, 'drive the van').getByText('(edited)').waitFor({ timeout: 10_000 });
    const again = row(b, 'drive the van');
    await again.hover();
    await again.getByRole('button', { name: 'Delete' }).click();
    // An in-app confirmation (never the browser's confirm()).
    const ask = b.getByRole('dialog', { name: 'Are you sure?' });
    await ask.getByText('Delete this message for everyone?').waitFor();
    await ask.getByRole('button', { name: 'Delete' }).click();
    const gone = row(a, 'This message was deleted.');
    await gone.waitFor({ timeout: 10_000 });
    assert.equal(await gone.getByText('📌 Pinned').count(), 0, 'a deleted message is unpinned');
  });

  it('search finds a partial word and jumps to the message', async () => {
    await a.getByRole('button', { name: 'Larger text' }).click();
    await b.getByLabel('Search messages').fill('mount');
    await b.getByLabel('Search messages').press('Enter');
    const hit = b.getByRole('button', { name: /Trip planning.*mountain trip/ });
    await hit.waitFor();
    assert.equal(await hit.locator('mark').first().textContent(), 'mount');
    await b.screenshot({ path: join(SHOTS, 'desktop-search.png') });
    await hit.click();
    await b.locator('.msg--highlight').filter({ hasText: 'The mountain trip' }).waitFor();
    await a.screenshot({ path: join(SHOTS, 'desktop-features.png') });
  });

  it('managed chats live in the Group Messages view', async () => {
    await b.getByRole('tab', { name: /Group Messages/ }).click();
    await b.getByRole('button', { name: /Drivers/ }).click();
    await b.getByRole('log').getByText('2 new members have joined the conversation.').waitFor();
    await b.screenshot({ path: join(SHOTS, 'desktop-group-messages.png') });
    await b.getByRole('tab', { name: /^Messages/ }).click();
    await b
      .getByRole('navigation')
      .getByRole('button', { name: /Trip planning/ })
      .waitFor();
  });

  it('an admin creates a user group in the UI; its chat appears live for the member', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 820 } })).newPage();
    await page.goto(server.url);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'User groups' }).click();
    await page.getByRole('button', { name: 'New user group' }).click();
    await page.getByLabel('User group name').fill('Coaches');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /Alice Ant/ })
      .click();
    await page.screenshot({ path: join(SHOTS, 'desktop-user-groups.png') });
    await page.getByRole('button', { name: 'Save (1)' }).click();
    await page.locator('.ug-row', { hasText: 'Coaches' }).waitFor();
    await a.getByRole('tab', { name: /Group Messages/ }).click();
    await a
      .getByRole('navigation')
      .getByRole('button', { name: /Coaches/ })
      .waitFor({ timeout: 10_000 });
    // Coaches may not start direct messages with Drivers (alice is a coach, bob a driver).
    await page.getByLabel('Restricted user group').selectOption({ label: 'Coaches' });
    await page.getByLabel('Protected user group').selectOption({ label: 'Drivers' });
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByText('may not message').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'desktop-dm-rules.png') });
    await a.getByRole('button', { name: 'New conversation' }).click();
    await a.getByPlaceholder('Search people').fill('bob');
    await a
      .getByRole('dialog')
      .getByRole('button', { name: /Bob Bee/ })
      .click();
    await a.getByRole('alert').filter({ hasText: 'not allowed' }).waitFor();
    await a.getByRole('button', { name: 'Close' }).click();
    await page.close();
  });

  it('a long conversation keeps a bounded window while scrolling back, and comes back to the latest', async () => {
    await b
      .getByRole('navigation')
      .getByRole('button', { name: /Archive/ })
      .click();
    await b.getByRole('log').getByText('archive message 900', { exact: true }).waitFor();
    const rows = () => b.locator('[data-message-id]').count();
    for (let i = 0; i < 40; i++) {
      if (await b.getByText('This is the very beginning of the conversation.').isVisible()) break;
      await b.getByRole('log').evaluate((el) => {
        el.scrollTop = 0;
      });
      await b.waitForTimeout(250);
      assert.ok((await rows()) <= 400, `at most 400 rows in the page, saw ${await rows()}`);
    }
    await b.getByRole('log').getByText('archive message 1', { exact: true }).waitFor();
    assert.equal(
      await b.getByRole('log').getByText('archive message 900', { exact: true }).count(),
      0,
      'the newest were dropped',
    );
    await b.getByRole('button', { name: 'Jump to latest ↓' }).click();
    await b.getByRole('log').getByText('archive message 900', { exact: true }).waitFor();
    assert.ok((await rows()) <= 400);
  });

  /** What a reader sees of a conversation: each row's text, reactions and pin, in order. */
  async function visibleConversation(page: Page): Promise<string[]> {
    return page
      .getByRole('log')
      .locator('.msg')
      .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
  }

  /** The same conversation opened fresh by the same user (as a phone, so bob's desktop stays signed in). */
  async function freshLoadOf(email: string, password: string, lastText: string): Promise<string[]> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 820 },
      userAgent: 'Mozilla/5.0 (Linux; Android 14) Mobile Chrome/156.0',
    });
    try {
      const page = await context.newPage();
      await signIn(page, other.url, email, password);
      await page.locator('button.conv', { hasText: 'Trip planning' }).click();
      await row(page, lastText).waitFor();
      return await visibleConversation(page);
    } finally {
      await context.close();
    }
  }

  /** Alice, through the API, edits, deletes, reacts to, pins and posts while bob cannot hear. */
  async function changeEverything(tag: string, ids: number[]) {
    const [edit, del, react, pin] = ids as [number, number, number, number];
    const ok = (status: number, what: string) => assert.ok(status < 300, `${what}: ${status}`);
    ok(
      (
        await api(server, 'PATCH', `/api/messages/${edit}`, {
          token: aliceApi,
          body: { content: `${tag} one, edited` },
        })
      ).status,
      'edit',
    );
    ok((await api(server, 'DELETE', `/api/messages/${del}`, { token: aliceApi })).status, 'delete');
    ok(
      (
        await api(server, 'POST', `/api/messages/${react}/reactions`, {
          token: aliceApi,
          body: { emoji: '🎉' },
        })
      ).status,
      'react',
    );
    ok((await api(server, 'POST', `/api/messages/${pin}/pin`, { token: aliceApi })).status, 'pin');
    ok((await sendMessage(server, aliceApi, room, `${tag} five, sent while away`)).status, 'send');
  }

  async function fourMessages(tag: string): Promise<number[]> {
    await b.locator('button.conv', { hasText: 'Trip planning' }).click();
    const ids: number[] = [];
    for (const word of ['one', 'two', 'three', 'four']) {
      ids.push((await sendMessage(server, aliceApi, room, `${tag} ${word}`)).body.message.id);
    }
    await row(b, `${tag} four`).waitFor({ timeout: 10_000 });
    return ids;
  }

  it('offline while alice edits, deletes, reacts, pins and posts, bob comes back to exactly a fresh load', async () => {
    const ids = await fourMessages('Offline');
    await b.context().setOffline(true);
    await b
      .getByRole('status')
      .getByText(/Offline|Connecting/)
      .waitFor({ timeout: 10_000 });
    await changeEverything('Offline', ids);
    await b.context().setOffline(false);
    await row(b, 'Offline five, sent while away').waitFor({ timeout: 15_000 });
    await row(b, 'Offline one, edited').waitFor({ timeout: 5_000 });
    const caughtUp = await visibleConversation(b);
    assert.deepEqual(
      caughtUp,
      await freshLoadOf(bob.user.email, bob.password, 'Offline five, sent while away'),
    );
    assert.ok(!caughtUp.some((t) => t.includes('Offline two')), 'the deleted message is gone');
    assert.ok(
      caughtUp.some((t) => t.includes('Offline three') && t.includes('🎉')),
      'the reaction is there',
    );
  });

  it('through an instance drain (the client is moved and reconnects), the same holds', async () => {
    const ids = await fourMessages('Drain');
    // Draining closes every transport of bob's instance; the changes land before he is back.
    await Promise.all([other.drain(0), changeEverything('Drain', ids)]);
    await row(b, 'Drain five, sent while away').waitFor({ timeout: 15_000 });
    await row(b, 'Drain one, edited').waitFor({ timeout: 5_000 });
    await b.getByRole('status').waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(
      await visibleConversation(b),
      await freshLoadOf(bob.user.email, bob.password, 'Drain five, sent while away'),
    );
  });
});
