import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestPostgres, startTestServer } from './harness.ts';

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** Headless Chromium with the flags this closed network needs; screenshots dir made. */
export async function launchChromium(): Promise<Browser> {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium not found at ${CHROMIUM}: run .ci/run or apt-get install chromium`,
  );
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in through the login page (the conversation list shows afterwards). */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(base);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}

/** An iPhone-sized touch context (the phone layout). */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
};

/**
 * First sign-in with a given password: the client asks for a new one before anything else.
 * `shot` names a screenshot of the "Choose your password" page.
 */
export async function firstSignIn(
  page: Page,
  base: string,
  email: string,
  given: string,
  chosen: string,
  shot?: string,
): Promise<void> {
  await page.goto(base);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(given);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
  if (shot) await page.screenshot({ path: join(SHOTS, shot) });
  await page.getByLabel('Password you were given').fill(given);
  await page.getByLabel('New password', { exact: true }).fill(chosen);
  await page.getByLabel('New password again').fill(chosen);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}

/** A database, an instance on it and headless Chromium: the start of every browser suite. */
export async function startBrowserWorld(opts: Parameters<typeof startTestServer>[1] = {}) {
  const pg = await startTestPostgres();
  const server = await startTestServer(pg, opts);
  const browser = await launchChromium();
  return {
    pg,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await pg.stop();
    },
  };
}

/**
 * The browser world of a suite: started before its tests, closed after them. Read
 * `world.server` and `world.browser` inside the tests.
 */
export function browserWorldForSuite(opts: Parameters<typeof startTestServer>[1] = {}) {
  const world = {} as Awaited<ReturnType<typeof startBrowserWorld>>;
  before(async () => Object.assign(world, await startBrowserWorld(opts)));
  after(() => world.close?.());
  return world;
}
