import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { firstSignIn, launchChromium, PHONE, SHOTS, signIn } from './browser-kit.ts';
import {
  ADMIN,
  createMember,
  login,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
} from './harness.ts';

/** Two people in two browser contexts chat live through the real web client. */
describe('web client in headless Chromium', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await pg?.stop();
  });

  it('refuses a wrong password with a readable message', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.screenshot({ path: join(SHOTS, 'login.png') });
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' }).waitFor();
    await page.close();
  });

  it('alice on a desktop and bob on a phone see each other’s messages without reloading', async () => {
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const alice = await createMember(server, admin.token, 'Alice Ant');
    const bob = await createMember(server, admin.token, 'Bob Bee');
    // Some history, so the screenshots show a lived-in conversation.
    const general = 1;
    await sendMessage(
      server,
      admin.token,
      general,
      'Welcome to the team chat! Training moves to **Thursday 6pm**.',
    );
    await sendMessage(server, bob.token, general, 'Thanks @ada.admin — I will bring the cones.');

    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const phone = await browser.newContext(PHONE);
    const a = await desktop.newPage();
    const b = await phone.newPage();
    // The whole journey runs under the server's Content-Security-Policy: nothing may be refused.
    const violations: string[] = [];
    for (const page of [a, b]) {
      page.on('console', (msg) => {
        if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
      });
    }
    await signIn(a, server.url, alice.user.email, alice.password);
    await signIn(b, server.url, bob.user.email, bob.password);
    await b.screenshot({ path: join(SHOTS, 'phone-sidebar.png') });

    await a.getByRole('button', { name: /General Chat/ }).click();
    await b.getByRole('button', { name: /General Chat/ }).click();
    await a.getByRole('log').getByText('I will bring the cones').waitFor();

    await a
      .getByRole('textbox', { name: 'Message', exact: true })
      .fill('Hello Bob, live from the desktop 👋');
    await a.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await b.getByRole('log').getByText('Hello Bob, live from the desktop').waitFor({ timeout: 10_000 });

    await b.getByRole('textbox', { name: 'Message', exact: true }).fill('Hi Alice — got it on my phone!');
    await b.getByRole('button', { name: 'Send' }).click();
    await a.getByRole('log').getByText('got it on my phone').waitFor({ timeout: 10_000 });

    // Each message appears exactly once on both sides (no optimistic duplicate).
    for (const page of [a, b]) {
      assert.equal(await page.getByRole('log').getByText('Hello Bob, live from the desktop').count(), 1);
      assert.equal(await page.getByRole('log').getByText('got it on my phone').count(), 1);
    }

    // Bob's connection drops (as when an instance restarts); what is sent meanwhile is fetched
    // with after= once his client reconnects by itself.
    for (const socket of server.io.of('/').sockets.values()) {
      if (socket.data.actor?.user.id === bob.user.id) socket.conn.close();
    }
    const missed = await sendMessage(server, admin.token, general, 'Sent while your phone was offline');
    assert.equal(missed.status, 201);
    await b.getByRole('log').getByText('Sent while your phone was offline').waitFor({ timeout: 15_000 });
    assert.equal(await b.getByRole('log').getByText('Sent while your phone was offline').count(), 1);

    await a.screenshot({ path: join(SHOTS, 'desktop-conversation.png') });

    // Alice starts a direct message; it appears live in Bob's list with an unread badge.
    await a.getByRole('button', { name: 'New conversation' }).click();
    await a.getByPlaceholder('Search people').fill('bob');
    await a.screenshot({ path: join(SHOTS, 'desktop-new-chat.png') });
    await a
      .getByRole('dialog')
      .getByRole('button', { name: /Bob Bee/ })
      .click();
    await a.getByRole('heading', { name: 'Bob Bee' }).waitFor();
    await a.getByRole('textbox', { name: 'Message', exact: true }).fill('Quick question, just between us');
    await a.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await b.getByRole('button', { name: 'Back to conversations' }).click();
    const dm = b.getByRole('button', { name: /Alice Ant.*Quick question/ });
    await dm.waitFor({ timeout: 10_000 });
    assert.match((await dm.textContent()) ?? '', /1 unread/);
    await b.screenshot({ path: join(SHOTS, 'phone-sidebar-dm.png') });
    await b.getByRole('button', { name: 'Mark all read' }).click();
    await b.getByRole('button', { name: 'Mark all read' }).waitFor({ state: 'detached' });
    assert.doesNotMatch((await dm.textContent()) ?? '', /unread/);
    await b.screenshot({ path: join(SHOTS, 'phone-conversation.png') });
    const csp =
      (await a.evaluate(() => fetch('/').then((r) => r.headers.get('content-security-policy')))) ?? '';
    assert.match(csp, /script-src 'self'/, 'the page ran under the CSP');
    assert.deepEqual(violations, [], 'no CSP violation');
    await desktop.close();
    await phone.close();
  });

  it('"where you are signed in": the desktop signs the phone out, and a suspension signs everyone out, live', async () => {
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const carol = await createMember(server, admin.token, 'Carol Devices');
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const phone = await browser.newContext(PHONE);
    const a = await desktop.newPage();
    const b = await phone.newPage();
    await signIn(a, server.url, carol.user.email, carol.password);
    await signIn(b, server.url, carol.user.email, carol.password);

    await a.getByRole('button', { name: 'Signed-in devices' }).click();
    const dialog = a.getByRole('dialog', { name: 'Signed-in devices' });
    await dialog.getByText('Safari on iOS · phone').waitFor();
    await dialog.getByText('This device').waitFor();
    await a.screenshot({ path: join(SHOTS, 'desktop-devices.png') });
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await b.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5000 });
    await dialog.getByText('Safari on iOS · phone').waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Close' }).click();

    const suspended = await server.app.inject({
      method: 'POST',
      url: `/api/users/${carol.user.id}/suspend`,
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(suspended.statusCode, 200);
    await a.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5000 });
    await a.getByLabel('Email').fill(carol.user.email);
    await a.getByLabel('Password').fill(carol.password);
    await a.getByRole('button', { name: 'Sign in' }).click();
    await a.getByRole('alert').filter({ hasText: 'This account is suspended' }).waitFor();
    await desktop.close();
    await phone.close();
  });

  it('an admin adds a person in People; their first sign-in asks for their own password', async () => {
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const a = await desktop.newPage();
    await signIn(a, server.url, ADMIN.email, ADMIN.password);
    await a.getByRole('button', { name: 'People' }).click();
    const people = a.getByRole('dialog', { name: 'People' });
    await people.getByLabel('Name', { exact: true }).fill('Nia Newcomer');
    await people.getByLabel('Email', { exact: true }).fill('nia@example.test');
    await people.getByRole('button', { name: 'Add' }).click();
    const secret = people.locator('.people__secret');
    await secret.waitFor();
    const password = (await secret.textContent())?.trim() ?? '';
    assert.match(password, /^\S{19}$/);
    await people.getByLabel('Search people').fill('nia@');
    await people.locator('.people__row', { hasText: 'Nia Newcomer' }).waitFor();
    await a.screenshot({ path: join(SHOTS, 'desktop-people.png') });

    // Import a CSV of three people: checked first (one row has a problem), then imported.
    await people.getByLabel('Search people').fill('');
    await people.locator('input[type=file]').setInputFiles({
      name: 'team.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'name,email,role\r\n"Lee, Ana",ana@example.test,member\r\nBo Bell,bo@example.test,manager\r\nNo Mail,,member\r\n',
      ),
    });
    await people.getByText('2 ready, 1 with problems').waitFor();
    await people.getByRole('button', { name: 'Import 2 people' }).click();
    await people.getByText('2 added.').waitFor();
    assert.equal(await people.locator('.import__rows .people__secret').count(), 2);
    await a.screenshot({ path: join(SHOTS, 'desktop-people-import.png') });

    const phone = await browser.newContext(PHONE);
    const n = await phone.newPage();
    await firstSignIn(
      n,
      server.url,
      'nia@example.test',
      password,
      'nia-own-password-1',
      'phone-choose-password.png',
    );
    // Her profile: a display name the sidebar shows at once.
    await n.getByRole('button', { name: 'Your profile' }).click();
    const profile = n.getByRole('dialog', { name: 'Profile' });
    await profile.getByLabel('Display name').fill('Nia N.');
    await profile.getByLabel('About me').fill('Left back, Tuesdays');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByText('Saved').waitFor();
    await n.screenshot({ path: join(SHOTS, 'phone-profile.png') });
    await profile.getByRole('button', { name: 'Close' }).click();
    await n.getByRole('button', { name: 'Your profile' }).getByText('Nia N.').waitFor();
    await desktop.close();
    await phone.close();
  });
});
