/**
 * Notifications on this device, as a person sees them: the profile asks the browser's
 * permission only on a click and says in a sentence what happened (headless Chromium has no
 * push service, so the subscription itself is refused with that explanation); admins see the
 * devices that receive notifications in Security. The service worker's own handlers: a push
 * (delivered through the DevTools protocol) is shown once per message, and a click opens its
 * conversation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { browserWorldForSuite, SHOTS, signIn } from './browser-kit.ts';
import { ADMIN, api, createMember, createPrivateGroup, login, sleep, waitFor } from './harness.ts';

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
    // (A script's event cannot extend its lifetime or focus a window; the handler's work still runs.)
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

describe('quiet hours, sounds and the offer to turn notifications on', () => {
  const world = browserWorldForSuite();

  it('quiet hours and sounds are saved to the account; the offer comes after a first send, once', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const member = await createMember(world.server, admin.token, 'Quinn Quiet');
    const gid = await createPrivateGroup(world.server, admin.token, 'Tuesday squad', [member.user.id]);
    const context = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, world.server.url, member.user.email, member.password);

    await page.getByRole('button', { name: 'Your profile' }).click();
    const form = page.getByRole('form', { name: 'Quiet hours and sounds' });
    await form.getByLabel('No notifications during quiet hours').check();
    await form.getByLabel('From', { exact: true }).fill('21:30');
    await form.getByLabel('To', { exact: true }).fill('06:45');
    await form.getByLabel('Time zone').selectOption('Europe/Oslo');
    await form.getByRole('checkbox', { name: 'Mentions of me', exact: true }).uncheck();
    await form.getByRole('button', { name: 'Save notification settings' }).click();
    await form.getByText('Saved.').waitFor();
    await page.screenshot({ path: join(SHOTS, 'notification-settings-desktop.png') });
    const me = await api<{ preferences: { quietHours: unknown; sounds: { mention: boolean } } }>(
      world.server,
      'GET',
      '/api/auth/me',
      { token: (await login(world.server, member.user.email, member.password, 'mobile')).token },
    );
    assert.deepEqual(me.body.preferences.quietHours, {
      start: '21:30',
      end: '06:45',
      timeZone: 'Europe/Oslo',
      allowMentions: true,
    });
    assert.equal(me.body.preferences.sounds.mention, false);
    await page.keyboard.press('Escape');

    // Nothing is offered on load; right after a first send, the offer appears.
    const offer = page.getByRole('region', { name: 'Notifications' });
    assert.equal(await offer.count(), 0);
    await page.getByRole('navigation', { name: 'Conversations' }).getByText('Tuesday squad').click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('I can bring the cones');
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await offer.waitFor();
    await page.screenshot({ path: join(SHOTS, 'push-offer-desktop.png') });
    await offer.getByRole('button', { name: 'Not now' }).click();
    await offer.waitFor({ state: 'detached' });
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('And the bibs');
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await page.getByText('And the bibs').first().waitFor();
    await sleep(300);
    assert.equal(await offer.count(), 0, 'asked once per browser');
    assert.ok(gid > 0);
    await context.close();
  });
});
