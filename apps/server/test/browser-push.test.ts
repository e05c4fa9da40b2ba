/**
 * Notifications on this device, as a person sees them: the profile asks the browser's
 * permission only on a click and says in a sentence what happened (headless Chromium has no
 * push service, so the subscription itself is refused with that explanation); admins see the
 * devices that receive notifications in Security.
 */
import { describe, it } from 'node:test';
import { browserWorldForSuite, signIn } from './browser-kit.ts';
import { ADMIN } from './harness.ts';

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
