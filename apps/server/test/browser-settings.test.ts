/**
 * Workspace settings in the browser: an admin names and colours the workspace and writes the
 * about and help texts; an open member tab follows live (title, sidebar name), the sign-in page
 * of a signed-out browser shows the new name and the about text, the help page renders the
 * Markdown. Screenshots: settings on desktop and phone, the branded sign-in page.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { browserWorldForSuite, PHONE, SHOTS, signIn } from './browser-kit.ts';
import { ADMIN, createMember, login } from './harness.ts';

describe('workspace settings in the browser', () => {
  const world = browserWorldForSuite();

  it('an admin brands the workspace; open tabs and the sign-in page follow', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password);
    const member = await createMember(world.server, admin.token, 'Mel Member');
    const adminPage = await (
      await world.browser.newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    const memberPage = await (await world.browser.newContext(PHONE)).newPage();
    await signIn(adminPage, world.server.url, ADMIN.email, ADMIN.password);
    await signIn(memberPage, world.server.url, member.user.email, member.password);

    await adminPage.getByRole('button', { name: 'Workspace settings' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Workspace settings' });
    await dialog.getByLabel('Name', { exact: true }).fill('Harbour Rowing Club');
    await dialog.getByLabel('Own colours').check();
    await dialog.getByLabel('Main').fill('#0b5394');
    await dialog
      .getByLabel('About (on the sign-in page)')
      .fill('Welcome to **Harbour**. Ask at the boathouse.');
    await dialog
      .getByLabel('Help page')
      .fill('## How we chat\n\n- Training times are pinned in **Clubhouse**.');
    await dialog.getByLabel('Name of the chat everyone is in').fill('Clubhouse');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await adminPage.screenshot({ path: join(SHOTS, 'settings-desktop.png') });

    // The member's open tab follows without a reload.
    await memberPage
      .locator('.sidebar__brand', { hasText: 'Harbour Rowing Club' })
      .waitFor({ timeout: 5000 });
    await memberPage.getByRole('button', { name: /Clubhouse/ }).waitFor();
    assert.equal(await memberPage.title(), 'Harbour Rowing Club');
    await memberPage.getByRole('button', { name: 'Help' }).click();
    const help = memberPage.getByRole('dialog', { name: 'Help' });
    await help.getByRole('heading', { name: 'How we chat' }).waitFor();
    await help.locator('strong', { hasText: 'Clubhouse' }).waitFor();
    await memberPage.screenshot({ path: join(SHOTS, 'help-phone.png') });

    // A signed-out browser's sign-in page carries the name and the about text.
    const visitor = await (await world.browser.newContext(PHONE)).newPage();
    await visitor.goto(world.server.url);
    await visitor.getByRole('heading', { name: 'Sign in to Harbour Rowing Club' }).waitFor();
    await visitor.locator('.login__about strong', { hasText: 'Harbour' }).waitFor();
    await visitor.screenshot({ path: join(SHOTS, 'sign-in-branded-phone.png') });
    const manifest = await visitor.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
    assert.equal((manifest as { name: string }).name, 'Harbour Rowing Club');

    // The settings page on a phone.
    const adminPhone = await (await world.browser.newContext(PHONE)).newPage();
    await signIn(adminPhone, world.server.url, ADMIN.email, ADMIN.password);
    await adminPhone.getByRole('button', { name: 'Workspace settings' }).click();
    await adminPhone.getByRole('dialog', { name: 'Workspace settings' }).getByLabel('Help page').waitFor();
    await adminPhone.screenshot({ path: join(SHOTS, 'settings-phone.png') });
  });

  it('an admin checks the unused files in Storage (a dry run; nothing is a day old yet)', async () => {
    const page = await (await world.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(page, world.server.url, ADMIN.email, ADMIN.password);
    await page.getByRole('button', { name: 'Workspace settings' }).click();
    const storage = page
      .getByRole('dialog', { name: 'Workspace settings' })
      .getByRole('region', { name: 'Storage' });
    await storage.getByRole('button', { name: 'Check unused files' }).click();
    await storage
      .getByRole('status')
      .filter({ hasText: /stored files: \d+ in use, \d+ unused but recent, 0 unused/ })
      .waitFor();
    assert.equal(await storage.getByRole('button', { name: /Delete/ }).count(), 0, 'nothing to delete yet');
    await page.context().close();
  });
});
