/**
 * Notifications on this device, as a person sees them: the profile asks the browser's
 * permission only on a click and says in a sentence what happened (headless Chromium has no
 * push service, so the subscription itself is refused with that explanation); admins see the
 * devices that receive notifications in Security. The service worker's own handlers: a push
 * (delivered through the DevTools protocol) is shown once per message, and a click opens its
 * conversation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserWorldForSuite, signIn } from './browser-kit.ts';
import { ADMIN, createPrivateGroup, login, sleep, waitFor } from './harness.ts';

describe('notifications on this device in the browser', () => {
  const world = browserWorldForSuite();

  it('turning notifications on asks on click and explains the outcome; admins see the devices', async () => {
    const context = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['notifications'], { origin: world.server.url });
    const page = await context.newPage();
    await signIn(page, world.server.url, ADMIN.email, ADMIN.password);
    await page.getByRole('button', { name: 'Your profile' }).click();
    const section = page.getByRole('region', { name: 'Notifications on this device' });
    await section.getByRole('button', { name: 'Turn on notifications' }).click();
    // Either the device is on (a push service answered) or the person is told why not.
    await section
      .getByRole('button', { name: 'Send me a test' })
      .or(section.getByRole('alert'))
      .first()
      .waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Security and audit log' }).click();
    await page.getByText(/Devices receiving notifications \(\d+\)/).waitFor();
    await context.close();
  });
});

/** The page's service worker registration, in the page (tests have no DOM types). */
const notificationsShown = `navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => ns.map((n) => ({ title: n.title, body: n.body, tag: n.tag })))`;

describe('the service worker shows pushes and opens their conversation', () => {
  const world = browserWorldForSuite();

  it('a push delivered through the DevTools protocol is shown once, and its click opens the conversation', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const gid = await createPrivateGroup(world.server, admin.token, 'Pitch crew', []);
    const context = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['notifications'], { origin: world.server.url });
    const page = await context.newPage();
    await signIn(page, world.server.url, ADMIN.email, ADMIN.password);
    await waitFor('the service worker', () =>
      page.evaluate(() =>
        (
          globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown> } } }
        ).navigator.serviceWorker.ready.then(() => true),
      ),
    );
    const cdp = await context.newCDPSession(page);
    const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: typeof registrations }) =>
      registrations.push(...e.registrations),
    );
    await cdp.send('ServiceWorker.enable');
    const registration = await waitFor('the registration', () =>
      registrations.find((r) => r.scopeURL.startsWith(world.server.url)),
    );
    const deliver = (messageId: number, body: string) =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: world.server.url,
        registrationId: registration.registrationId,
        data: JSON.stringify({
          title: 'Pitch crew',
          body,
          groupId: gid,
          messageId,
          url: `/?g=${gid}`,
          tag: `group-${gid}`,
          icon: '/icon-192.png',
        }),
      });
    const shown = () =>
      page.evaluate(notificationsShown) as Promise<Array<{ title: string; body: string; tag: string }>>;

    await deliver(1001, 'Ann: Kick-off moved');
    const first = await waitFor('the notification', async () => {
      const list = await shown();
      return list.length === 1 && list;
    });
    assert.deepEqual(first, [{ title: 'Pitch crew', body: 'Ann: Kick-off moved', tag: `group-${gid}` }]);

    // Dismissed, then the same message pushed again (a retried push): not shown twice.
    await page.evaluate(
      `navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => ns.forEach((n) => n.close()))`,
    );
    await deliver(1001, 'Ann: Kick-off moved');
    await sleep(500);
    assert.deepEqual(await shown(), []);
    await deliver(1002, 'Ann: Bring bibs');
    await waitFor('the next message', async () => (await shown()).some((n) => n.body === 'Ann: Bring bibs'));

    // Clicking it (the worker's own notificationclick handler) opens the conversation in this window.
    const [worker] = context.serviceWorkers();
    assert.ok(worker, 'the service worker is running');
    await worker.evaluate(`self.registration.getNotifications().then(([n]) => {
      try { self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n })); } catch {}
    })`);
    await page.getByRole('heading', { name: 'Pitch crew', exact: true }).waitFor();
    await context.close();
  });

  it('the address a notification opens in a new window (/?g=id) lands in that conversation', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const gid = await createPrivateGroup(world.server, admin.token, 'Away team', []);
    const context = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, world.server.url, ADMIN.email, ADMIN.password);
    await page.goto(`${world.server.url}/?g=${gid}`);
    await page.getByRole('heading', { name: 'Away team', exact: true }).waitFor();
    assert.equal(new URL(page.url()).search, '', 'the address is tidied');
    await context.close();
  });
});
