/**
 * The people-and-access journey of a real team in headless Chromium: an admin imports three
 * people from CSV; one signs in on a phone, is made to choose a password, turns on two-factor
 * sign-in, signs out and back in with a code; the admin suspends another person who is online,
 * and that person's open tab says so within a second. Screenshots (desktop and phone) go to
 * test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { firstSignIn, PHONE, SHOTS, signIn, startBrowserWorld } from './browser-kit.ts';
import { ADMIN, type TestServer } from './harness.ts';

describe('people and access in the browser', () => {
  let world: Awaited<ReturnType<typeof startBrowserWorld>>;
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const violations: string[] = [];

  const open = async (options: Parameters<Browser['newContext']>[0]): Promise<Page> => {
    const context = await browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
    return page;
  };

  before(async () => {
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await world?.close();
  });

  it('import, first sign-in, two-factor, and a suspension seen live', async () => {
    // The admin imports three people.
    const admin = await open({ viewport: { width: 1280, height: 860 } });
    await signIn(admin, server.url, ADMIN.email, ADMIN.password);
    await admin.getByRole('button', { name: 'People' }).click();
    const csv = [
      'name,email,role',
      'Pia Phone,pia@team.test,member',
      '"Sol, Suspended",sol@team.test,member',
      'Max Manager,max@team.test,manager',
    ].join('\r\n');
    await admin.locator('.import input[type=file]').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await admin.getByText('3 ready, 0 with problems').waitFor();
    await admin.getByRole('button', { name: 'Import 3 people' }).click();
    await admin.getByRole('status').filter({ hasText: '3 added' }).waitFor();
    await admin.screenshot({ path: join(SHOTS, 'people-import-desktop.png') });
    const passwordOf = async (email: string) =>
      (await admin.locator('.import__rows tr', { hasText: email }).locator('code').textContent())!.trim();
    const piaPassword = await passwordOf('pia@team.test');
    const solPassword = await passwordOf('sol@team.test');
    assert.match(piaPassword, /^\S{16,}$/);

    // Pia signs in on her phone and must choose her own password first.
    const pia = await open(PHONE);
    await firstSignIn(
      pia,
      server.url,
      'pia@team.test',
      piaPassword,
      'pia-own-password-1',
      'people-first-sign-in-phone.png',
    );

    // She turns on two-factor sign-in from her profile.
    await pia.getByRole('button', { name: 'Your profile' }).click();
    await pia.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await pia.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await pia.locator('.twofactor__key').textContent())!.trim();
    await pia.screenshot({ path: join(SHOTS, 'people-two-factor-setup-phone.png') });
    await pia.getByLabel('Code from the app').fill(await generate({ secret }));
    await pia.getByRole('button', { name: 'Turn on', exact: true }).click();
    await pia.getByRole('list', { name: 'Recovery codes' }).waitFor();
    assert.equal(await pia.locator('.recovery-codes li').count(), 10);
    await pia.screenshot({ path: join(SHOTS, 'people-recovery-codes-phone.png') });
    await pia.getByRole('button', { name: 'I saved them' }).click();
    await pia.getByText('On: signing in asks for a code').waitFor();
    await pia.getByRole('button', { name: 'Close' }).click();
    await pia.getByRole('button', { name: 'Sign out' }).click();

    // Back in: password, then a code (the next step's: the one used to confirm is spent).
    await pia.getByLabel('Email').fill('pia@team.test');
    await pia.getByLabel('Password').fill('pia-own-password-1');
    await pia.getByRole('button', { name: 'Sign in' }).click();
    await pia.getByLabel('Authentication code').waitFor();
    await pia.screenshot({ path: join(SHOTS, 'people-code-step-phone.png') });
    await pia.getByLabel('Authentication code').fill('000000');
    await pia.getByRole('button', { name: 'Verify' }).click();
    await pia.getByRole('alert').filter({ hasText: 'That code is not right' }).waitFor();
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    await pia.getByLabel('Authentication code').fill(next);
    await pia.getByRole('button', { name: 'Verify' }).click();
    await pia.getByRole('navigation', { name: 'Conversations' }).waitFor();

    // Sol is online in a desktop browser when the admin suspends him.
    const sol = await open({ viewport: { width: 1280, height: 800 } });
    await firstSignIn(sol, server.url, 'sol@team.test', solPassword, 'sol-own-password-1');
    await sol.locator('.conn-banner').waitFor({ state: 'detached' });

    await admin.getByRole('searchbox', { name: 'Search people' }).fill('Sol');
    const row = admin.locator('.people__row', { hasText: 'Sol, Suspended' });
    await row.getByRole('button', { name: 'Suspend' }).click();
    const clicked = Date.now();
    await sol
      .getByRole('status')
      .filter({ hasText: 'Your account was suspended' })
      .waitFor({ timeout: 1000 });
    const seenAfterMs = Date.now() - clicked;
    await sol.screenshot({ path: join(SHOTS, 'people-suspended-desktop.png') });
    assert.ok(seenAfterMs < 1000, `the suspension showed after ${seenAfterMs} ms`);
    await row.locator('.people__status--suspended').waitFor();

    // The admin's audit log has all of it, newest first.
    await admin.getByRole('button', { name: 'Close' }).click();
    await admin.getByRole('button', { name: 'Security and audit log' }).click();
    const log = admin.getByRole('list', { name: 'Audit log' });
    await log.getByText('user.suspended').waitFor();
    for (const action of [
      'user.imported',
      'auth.password_changed',
      'auth.totp_enabled',
      'auth.login_failed',
    ]) {
      await log.getByText(action).first().waitFor();
    }
    await admin.screenshot({ path: join(SHOTS, 'people-audit-desktop.png') });
    assert.deepEqual(violations, []);
  });
});
