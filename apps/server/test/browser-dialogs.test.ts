/**
 * Dialogs behave like dialogs: focus moves in, Tab stays inside, Escape closes the innermost one
 * and focus comes back; confirmations are in-app (the browser's alert/confirm never appear);
 * the image viewer closes with Escape.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { browserWorldForSuite, signIn } from './browser-kit.ts';
import { ADMIN, login, publicChannel, sendMessage, waitFor } from './harness.ts';

const PNG = readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png'));

describe('dialogs and focus in the browser', () => {
  const world = browserWorldForSuite();

  it('focus is trapped and returned; Escape closes the innermost; no native dialogs', async () => {
    // The API's session is the phone class: the browser below signs in as a desktop.
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const channel = await publicChannel(world.server, admin.token);
    await sendMessage(world.server, admin.token, channel, 'a message to delete');
    const page = await world.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const native: string[] = [];
    page.on('dialog', (d) => {
      native.push(d.message());
      void d.dismiss();
    });
    await signIn(page, world.server.url, ADMIN.email, ADMIN.password);

    // A dialog takes the focus, keeps Tab inside, and gives the focus back on Escape.
    const opener = page.getByRole('button', { name: 'Signed-in devices' });
    await opener.click();
    const devices = page.getByRole('dialog', { name: 'Signed-in devices' });
    await devices.waitFor();
    const inside = () =>
      devices.evaluate((el) =>
        el.contains((globalThis as unknown as { document: { activeElement: never } }).document.activeElement),
      );
    await waitFor('focus moved into the dialog', () => inside());
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    assert.equal(await inside(), true, 'Tab never leaves it');
    await page.keyboard.press('Escape');
    await devices.waitFor({ state: 'detached' });
    await waitFor('focus came back to the opener', () =>
      opener.evaluate(
        (el) =>
          el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
      ),
    );

    // A confirmation above the conversation: in-app, Cancel focused, Escape closes only it.
    await page.getByRole('button', { name: /General Chat/ }).click();
    const row = page.locator('.msg', { hasText: 'a message to delete' }).last();
    await row.hover();
    await row.getByRole('button', { name: 'Delete' }).click();
    const ask = page.getByRole('dialog', { name: 'Are you sure?' });
    await ask.waitFor();
    assert.equal(
      await ask
        .getByRole('button', { name: 'Cancel' })
        .evaluate(
          (el) =>
            el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
        ),
      true,
    );
    await page.keyboard.press('Escape');
    await ask.waitFor({ state: 'detached' });
    await row.getByText('a message to delete').waitFor();

    // The image viewer closes with Escape.
    const issued = await fetch(`${world.server.url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'image', contentType: 'image/png', size: PNG.length }),
    }).then((r) => r.json() as Promise<{ key: string; uploadUrl: string }>);
    const put = await fetch(new URL(issued.uploadUrl, world.server.url), {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    assert.equal(put.status, 204, JSON.stringify(issued));
    const sent = await fetch(`${world.server.url}/api/groups/${channel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'img-escape', imageKey: issued.key }),
    });
    assert.equal(sent.status, 201, await sent.text());
    await page.locator('.msg__image').last().click();
    await page.locator('.viewer').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.viewer').waitFor({ state: 'detached' });
    assert.deepEqual(native, [], 'no alert() or confirm()');
  });
});
