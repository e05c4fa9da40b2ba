/**
 * An event re-renders only what shows it: with 60 messages on screen, someone typing, someone
 * coming online and two idle seconds must not re-render the message rows (each row re-runs the
 * rich-text parser). Counts come from the client's own counter (`window.__rosterchirpRenders`).
 *
 * Measured before the rows were memoised (the whole state handed down, a 2-second app tick):
 * typing 50 row renders, presence 100, idle 2.5 s 100, one new message 51. After: 0, 0, 0, 1.
 * The shell and the sidebar subscribe to slices of the state: typing re-renders neither.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserWorldForSuite, signIn } from './browser-kit.ts';
import { ADMIN, connectSocket, createMember, login, publicChannel, sendMessage, sleep } from './harness.ts';

const renders = (page: Page) =>
  page.evaluate(() => ({
    ...((globalThis as { __rosterchirpRenders?: Record<string, number> }).__rosterchirpRenders ?? {}),
  }));

/** Waits until no component has rendered for 300 ms (so earlier events are not counted later). */
async function settled(page: Page): Promise<void> {
  let last = JSON.stringify(await renders(page));
  for (;;) {
    await sleep(300);
    const now = JSON.stringify(await renders(page));
    if (now === last) return;
    last = now;
  }
}

describe('render counts in headless Chromium', () => {
  const world = browserWorldForSuite();

  it('typing, presence and idle time do not re-render message rows; a new message renders one', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password);
    const reader = await createMember(world.server, admin.token, 'Rae Reader');
    const typist = await createMember(world.server, admin.token, 'Tod Typist');
    const channel = await publicChannel(world.server, admin.token);
    for (let i = 0; i < 60; i++)
      await sendMessage(world.server, admin.token, channel, `message **${i}** with *style*`);

    const page = await world.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, world.server.url, reader.user.email, reader.password);
    await page.getByRole('button', { name: /General Chat/ }).click();
    await page.locator('.msg__text', { hasText: 'message 59 with' }).waitFor();
    await page.locator('.conn-banner').waitFor({ state: 'detached' });
    await sleep(500);

    const counts: Record<string, number> = {};
    const shell: Record<string, number> = {};
    const sidebar: Record<string, number> = {};
    const measure = async (what: string, act: () => Promise<void>) => {
      const before = await renders(page);
      await act();
      const after = await renders(page);
      counts[what] = (after.MessageRow ?? 0) - (before.MessageRow ?? 0);
      shell[what] = (after.App ?? 0) - (before.App ?? 0);
      sidebar[what] = (after.Sidebar ?? 0) - (before.Sidebar ?? 0);
    };
    // The typist's arrival is a presence change the sidebar shows (batched, 50 ms in tests):
    // let it land before typing is measured, or it is counted as typing's.
    const socket = await connectSocket(world.server, typist.token);
    await settled(page);
    try {
      await measure('typing', async () => {
        socket.emit('typing', { groupId: channel });
        await page.getByText(/Tod is typing/).waitFor();
      });
      await measure('presence', async () => {
        const other = await connectSocket(world.server, admin.token);
        await sleep(300);
        other.close();
        await sleep(300);
      });
      await measure('idle 2.5 s', async () => {
        await sleep(2500);
      });
      await measure('one new message', async () => {
        await sendMessage(world.server, admin.token, channel, 'one more');
        await page.getByRole('log').getByText('one more').waitFor();
      });
    } finally {
      socket.close();
    }
    process.stdout.write(`# message row renders: ${JSON.stringify(counts)}\n`);
    process.stdout.write(`# shell renders: ${JSON.stringify(shell)}; sidebar: ${JSON.stringify(sidebar)}\n`);
    // The shell shows none of these; the sidebar shows presence (dots) and new messages only.
    assert.deepEqual(shell, {
      typing: 0,
      presence: 0,
      'idle 2.5 s': 0,
      'one new message': shell['one new message'],
    });
    assert.equal(sidebar.typing, 0, 'typing does not re-render the sidebar');
    assert.equal(sidebar['idle 2.5 s'], 0);
    assert.equal(counts.typing, 0);
    assert.equal(counts.presence, 0);
    assert.equal(counts['idle 2.5 s'], 0);
    assert.ok(counts['one new message']! <= 2, 'the new row (and the previous, whose run may change)');
  });
});
