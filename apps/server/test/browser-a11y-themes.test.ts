/**
 * The main pages in light and dark, on desktop and phone, with axe-core: no serious or critical
 * accessibility violation on the sign-in page, the chat with a conversation open, People,
 * Settings and the profile. Dark comes from the system (prefers-color-scheme) or the profile's
 * choice. Screenshots of each go to test-results/screenshots/theme-*.png.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { browserWorldForSuite, PHONE, SHOTS, signIn } from './browser-kit.ts';
import { ADMIN, login, publicChannel, sendMessage } from './harness.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () =>
    (
      await (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe.run()
    ).violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target),
    })),
  );
  return violations
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !JSON.stringify(n).includes('avatar__initials')) }))
    .filter((v) => v.nodes.length > 0)
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${JSON.stringify(v.nodes)}`);
}

describe('accessibility and themes', () => {
  const world = browserWorldForSuite();
  before(async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const channel = await publicChannel(world.server, admin.token);
    await sendMessage(world.server, admin.token, channel, 'Welcome! Training is on **Thursday** at 6pm.');
    await sendMessage(world.server, admin.token, channel, 'Bring water and a warm layer.');
  });

  for (const [name, options] of [
    ['desktop-light', { viewport: { width: 1280, height: 820 }, colorScheme: 'light' }],
    ['desktop-dark', { viewport: { width: 1280, height: 820 }, colorScheme: 'dark' }],
    ['phone-dark', { ...PHONE, colorScheme: 'dark' }],
  ] as Array<[string, BrowserContextOptions]>) {
    it(`${name}: the main pages have no serious violations`, async () => {
      // axe is injected from outside the page, so the page's own CSP is bypassed for it alone.
      const context = await world.browser.newContext({ ...options, bypassCSP: true });
      const page = await context.newPage();
      const found: string[] = [];
      const check = async (what: string) => {
        await page.screenshot({ path: join(SHOTS, `theme-${name}-${what}.png`) });
        for (const v of await seriousViolations(page)) found.push(`${what}: ${v}`);
      };
      try {
        await page.goto(world.server.url);
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        await check('sign-in');
        await signIn(page, world.server.url, ADMIN.email, ADMIN.password);
        const dark = await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } })
              .document.documentElement.dataset.theme,
        );
        assert.equal(dark, options.colorScheme, 'the system scheme is followed');
        await page.getByRole('button', { name: /General Chat/ }).click();
        await page.locator('.msg__text', { hasText: 'Bring water' }).waitFor();
        await check('chat');
        if (name.startsWith('desktop')) {
          await page.getByRole('button', { name: 'People' }).click();
          await page.getByRole('dialog', { name: 'People' }).waitFor();
          await check('people');
          await page.keyboard.press('Escape');
          await page.getByRole('button', { name: 'Workspace settings' }).click();
          await page.getByRole('dialog', { name: 'Workspace settings' }).getByLabel('Help page').waitFor();
          await check('settings');
          await page.keyboard.press('Escape');
          for (const [button, dialog, what] of [
            ['Security and audit log', 'Security', 'audit'],
            ['User groups', 'User groups', 'user-groups'],
            ['Help', 'Help', 'help'],
            ['Browse', 'Channels', 'channels'],
            ['Signed-in devices', 'Signed-in devices', 'devices'],
            ['Integrations', 'Integrations', 'integrations'],
          ] as const) {
            await page.getByRole('button', { name: button }).click();
            await page.getByRole('dialog', { name: dialog }).waitFor();
            await page.waitForTimeout(200);
            await check(what);
            await page.keyboard.press('Escape');
            await page.getByRole('dialog', { name: dialog }).waitFor({ state: 'detached' });
          }
          // Every tab of the integrations dialog.
          await page.getByRole('button', { name: 'Integrations' }).click();
          for (const tab of ['Webhooks', 'SMS', 'WhatsApp']) {
            await page.getByRole('dialog', { name: 'Integrations' }).getByRole('tab', { name: tab }).click();
            await page.waitForTimeout(200);
            await check(`integrations-${tab.toLowerCase()}`);
          }
          await page.keyboard.press('Escape');
          await page.getByRole('button', { name: 'About # General Chat' }).click();
          await page
            .getByRole('dialog', { name: 'Conversation info' })
            .getByText(/member/)
            .first()
            .waitFor();
          await check('conversation-info');
          await page.keyboard.press('Escape');
        }
        if (name.startsWith('phone'))
          await page.getByRole('button', { name: 'Back to conversations' }).click();
        await page.getByRole('button', { name: 'Your profile' }).click();
        const profile = page.getByRole('dialog', { name: 'Profile' });
        await profile.waitFor();
        await check('profile');
        // The profile's choice wins over the system's.
        const other = options.colorScheme === 'dark' ? 'Light' : 'Dark';
        await profile.getByLabel(other).check();
        const now = await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } })
              .document.documentElement.dataset.theme,
        );
        assert.equal(now, other.toLowerCase());
        await profile.getByLabel('Like this device').check();
      } finally {
        await context.close();
      }
      assert.deepEqual(found, []);
    });
  }
});
