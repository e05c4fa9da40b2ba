/**
 * Rough edges a newcomer hit: search runs as you type; opening a conversation with unread
 * messages shows a "New messages" line above the first of them; reply quotes, the pinned list
 * and the sidebar show words, not Markdown markers; the title carries the unread count.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Group } from '@rosterchirp/protocol';
import { browserWorldForSuite, PHONE, SHOTS, signIn } from './browser-kit.ts';
import { ADMIN, api, createMember, login, publicChannel, sendMessage, waitFor } from './harness.ts';

describe('rough edges in the browser', () => {
  const world = browserWorldForSuite();

  it('search as you type, the unread line, plain quotes and previews, the unread title', async () => {
    // The API session is the phone class; the browser signs in on the desktop class.
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const reader = await createMember(world.server, admin.token, 'Rae Reader');
    const general = await publicChannel(world.server, admin.token);
    const other = await api<{ group: Group }>(world.server, 'POST', '/api/groups', {
      token: admin.token,
      body: { type: 'public', name: 'Boathouse' },
    });
    const first = (await sendMessage(world.server, admin.token, general, 'Boats leave at **nine** sharp'))
      .body.message;

    const page = await world.browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page, world.server.url, reader.user.email, reader.password);
    await page.getByRole('button', { name: /General Chat/ }).click();
    await page.locator('.msg__text', { hasText: 'Boats leave at nine sharp' }).waitFor();
    await page.waitForTimeout(600); // the read mark is sent 300 ms after opening
    await page.getByRole('button', { name: /Boathouse/ }).click();
    await page.getByRole('heading', { name: '# Boathouse' }).waitFor();
    void other;

    // Three arrive in General while Rae reads Boathouse; one is a reply, one is pinned.
    await sendMessage(world.server, admin.token, general, 'Bring _water_');
    await api(world.server, 'POST', `/api/groups/${general}/messages`, {
      token: admin.token,
      body: { clientId: 'reply-1', content: 'and **gloves**', replyTo: first.id },
    });
    await sendMessage(world.server, admin.token, general, 'See you **there**');
    await api(world.server, 'POST', `/api/messages/${first.id}/pin`, { token: admin.token });

    const sidebarPreview = page.getByRole('button', { name: /General Chat/ }).locator('.conv__preview');
    await sidebarPreview.getByText('See you there').waitFor();
    assert.match(await page.title(), /^\(3\) /, 'the title shows the unread count');

    await page.getByRole('button', { name: /General Chat/ }).click();
    const line = page.locator('.unread-sep');
    await line.waitFor();
    const nextText = await line.evaluate((el) => el.parentElement?.textContent ?? '');
    assert.match(nextText, /Bring/, `the line sits above the first unread message: ${nextText}`);
    const quote = page.locator('.msg__reply').first();
    assert.match((await quote.textContent()) ?? '', /Boats leave at nine sharp/);
    await page.getByRole('button', { name: 'Pinned messages' }).click();
    await page.locator('.pins__item', { hasText: 'Boats leave at nine sharp' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'unread-line-desktop.png') });

    // Search as you type: no Enter.
    await page.getByLabel('Search messages').fill('glove');
    await page
      .getByRole('region', { name: 'Search results' })
      .getByText(/gloves/)
      .waitFor({ timeout: 5000 });
  });

  it('on a phone a tap shows the actions of a message; an image that failed offline loads when back', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const tapper = await createMember(world.server, admin.token, 'Tia Tapper');
    const general = await publicChannel(world.server, admin.token);
    await sendMessage(world.server, admin.token, general, 'Tap me to answer');
    const phone = await (await world.browser.newContext(PHONE)).newPage();
    await signIn(phone, world.server.url, tapper.user.email, tapper.password);
    await phone.getByRole('button', { name: /General Chat/ }).click();
    const row = phone.locator('.msg', { hasText: 'Tap me to answer' }).last();
    await row.locator('.msg__text').tap();
    await row.getByRole('button', { name: 'Reply' }).tap();
    await phone.getByText('Replying to').waitFor();
    await phone.screenshot({ path: join(SHOTS, 'phone-message-actions.png') });

    // The picture's first load fails (as offline); when the connection returns it loads.
    const context = phone.context();
    await phone.route('**/api/uploads/**', (route) => route.abort());
    const png = readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png'));
    const issued = await api<{ key: string; uploadUrl: string }>(world.server, 'POST', '/api/uploads', {
      token: admin.token,
      body: { kind: 'image', contentType: 'image/png', size: png.length },
    });
    await fetch(new URL(issued.body.uploadUrl, world.server.url), {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'image/png' },
      body: png,
    });
    await api(world.server, 'POST', `/api/groups/${general}/messages`, {
      token: admin.token,
      body: { clientId: 'retry-image', imageKey: issued.body.key },
    });
    const img = phone.locator('.msg__image').last();
    await waitFor('the image to fail', () => img.evaluate((el) => el.hasAttribute('data-broken')));
    await phone.unroute('**/api/uploads/**');
    await context.setOffline(true);
    await context.setOffline(false);
    await waitFor('the image to load once back online', () =>
      img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth > 0),
    );
  });
});
