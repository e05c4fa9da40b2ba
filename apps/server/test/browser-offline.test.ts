/**
 * The installed app opens offline: after a reload without network it shows the conversation
 * list this device last saw (not the sign-in form), says it is offline, and comes back by
 * itself when the network returns.
 */
import { describe, it } from 'node:test';
import { browserWorldForSuite, signIn } from './browser-kit.ts';
import { ADMIN, createMember, login, waitFor } from './harness.ts';

describe('offline start in the browser', () => {
  const world = browserWorldForSuite();

  it('a reload without network shows the last list, then reconnects by itself', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const member = await createMember(world.server, admin.token, 'Oli Offline');
    const context = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, world.server.url, member.user.email, member.password);
    // The service worker has cached the shell and controls the page from the next load on.
    await waitFor('the service worker', () =>
      page.evaluate(async () => {
        const sw = (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown> } } })
          .navigator.serviceWorker;
        await sw.ready;
        return true;
      }),
    );
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).getByText('General Chat').waitFor();
    await page.locator('.conn-banner').waitFor();
    await context.setOffline(false);
    await page.locator('.conn-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await page.getByRole('button', { name: /General Chat/ }).click();
    await page.locator('.composer, textarea').first().waitFor();
    await context.close();
  });
});
