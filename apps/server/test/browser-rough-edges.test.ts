/**
 * Rough edges a newcomer hit: search runs as you type; opening a conversation with unread
 * messages shows a "New messages" line above the first of them; reply quotes, the pinned list
 * and the sidebar show words, not Markdown markers; the title carries the unread count.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Group } from '@rosterchirp/protocol';
import type { Browser } from 'playwright-core';
import { SHOTS, signIn, startBrowserWorld } from './browser-kit.ts';
import { ADMIN, api, createMember, login, publicChannel, sendMessage, type TestServer } from './harness.ts';

describe('rough edges in the browser', () => {
  let world: Awaited<ReturnType<typeof startBrowserWorld>>;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });
  after(() => world?.close());

  it('search as you type, the unread line, plain quotes and previews, the unread title', async () => {
    // The API session is the phone class; the browser signs in on the desktop class.
    const admin = await login(server, ADMIN.email, ADMIN.password, 'mobile');
    const reader = await createMember(server, admin.token, 'Rae Reader');
    const general = await publicChannel(server, admin.token);
    const other = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: admin.token,
      body: { type: 'public', name: 'Boathouse' },
    });
    const first = (await sendMessage(server, admin.token, general, 'Boats leave at **nine** sharp')).body
      .message;

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page, server.url, reader.user.email, reader.password);
    await page.getByRole('button', { name: /General Chat/ }).click();
    await page.locator('.msg__text', { hasText: 'Boats leave at nine sharp' }).waitFor();
    await page.waitForTimeout(600); // the read mark is sent 300 ms after opening
    await page.getByRole('button', { name: /Boathouse/ }).click();
    await page.getByRole('heading', { name: '# Boathouse' }).waitFor();
    void other;

    // Three arrive in General while Rae reads Boathouse; one is a reply, one is pinned.
    await sendMessage(server, admin.token, general, 'Bring _water_');
    await api(server, 'POST', `/api/groups/${general}/messages`, {
      token: admin.token,
      body: { clientId: 'reply-1', content: 'and **gloves**', replyTo: first.id },
    });
    await sendMessage(server, admin.token, general, 'See you **there**');
    await api(server, 'POST', `/api/messages/${first.id}/pin`, { token: admin.token });

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
});
