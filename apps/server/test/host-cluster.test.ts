import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Cluster, requestWithHost, startCluster } from '@rosterchirp/infra';
import type { Browser } from 'playwright-core';
import { launchChromium, SHOTS, signIn } from './browser-kit.ts';

/** GET of a page with an explicit Host header, straight to one instance or through Caddy. */
const get = (port: number, path: string, host: string) =>
  requestWithHost(`http://127.0.0.1:${port}`, host, 'GET', path, { headers: { accept: 'text/html' } });

describe('host mode on the local cluster (2 instances behind Caddy, 2 database clusters, headless Chromium)', () => {
  let cluster: Cluster;
  let browser: Browser;
  let base: string;

  before(async () => {
    cluster = await startCluster({ instances: 2, hostMode: true, shards: 2 });
    base = `http://localhost:${cluster.caddy.port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('a tenant created in the host panel serves its login page on every instance within a second', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/host`);
    await page.getByLabel('Host admin key').fill('not-the-key');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').filter({ hasText: 'That key is not right' }).waitFor();
    await page.getByLabel('Host admin key').fill(cluster.hostAdminKey!);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();

    const tenantHost = `zeta.localhost:${cluster.caddy.port}`;
    // Asked before it exists: every instance caches "unknown" — creation must still show at once.
    for (const instance of cluster.instances) {
      assert.equal((await get(instance.port, '/', tenantHost)).status, 404);
    }
    await page.getByLabel('Slug').fill('Bad Slug!');
    await page.getByLabel('Name', { exact: true }).fill('Zeta Rowing Club');
    await page.getByLabel('Admin email').fill('captain@zeta.example');
    await page.getByLabel('Admin name').fill('Zoe Captain');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('alert').filter({ hasText: 'cannot be a slug' }).waitFor();
    await page.getByLabel('Slug').fill('zeta');
    await page.getByLabel('Name', { exact: true }).fill('Zeta Rowing Club');
    await page.getByLabel('Plan').selectOption('team');
    await page.getByLabel('Admin email').fill('captain@zeta.example');
    await page.getByLabel('Admin name').fill('Zoe Captain');
    await page.getByRole('button', { name: 'Create' }).click();
    const created = page.getByRole('status');
    await created.waitFor();
    const createdAt = Date.now();
    const password = (await created.locator('code').textContent())!;
    const served: number[] = [];
    for (const instance of cluster.instances) {
      for (;;) {
        const res = await get(instance.port, '/', tenantHost);
        if (res.status === 200 && res.body.includes('<div id="app">')) break;
        assert.ok(
          Date.now() - createdAt < 1000,
          `instance ${instance.name} still answers ${res.status} after 1 s`,
        );
        await new Promise((r) => setTimeout(r, 25));
      }
      served.push(Date.now() - createdAt);
    }
    process.stdout.write(`# tenant served by every instance ${Math.max(...served)} ms after creation\n`);
    await page.getByRole('row', { name: /Zeta Rowing Club|zeta/ }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'host-panel.png') });

    // The new organisation, through Caddy, in the browser.
    const tenantPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(tenantPage, `http://${tenantHost}/`, 'captain@zeta.example', password);
    await tenantPage.getByText('General Chat').first().waitFor();
    const userGroups = tenantPage.getByRole('button', { name: 'User groups' });
    await userGroups.waitFor();
    await tenantPage.screenshot({ path: join(SHOTS, 'host-tenant-chat.png') });

    // A plan change in the panel hides the Team-only feature live.
    await page.getByLabel('Plan of zeta').selectOption('chat');
    await userGroups.waitFor({ state: 'detached' });
    await page.getByLabel('Plan of zeta').selectOption('team');
    await userGroups.waitFor();

    // Suspending sends the member to a clear page.
    await page.getByRole('row', { name: /zeta/ }).getByRole('button', { name: 'Suspend' }).click();
    await tenantPage.getByRole('heading', { name: 'Organisation suspended' }).waitFor();
    await tenantPage.getByText('Ask whoever runs your workspace to resume it').waitFor();
    await tenantPage.screenshot({ path: join(SHOTS, 'host-tenant-suspended.png') });
    await page.getByRole('row', { name: /zeta/ }).getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('row', { name: /zeta/ }).getByRole('button', { name: 'Suspend' }).waitFor();

    // Moving to the other database from the panel: the signed-in member keeps chatting, on
    // whichever instance Caddy picks, without reloading (once back from the suspension page).
    await tenantPage.goto(`http://${tenantHost}/`);
    await tenantPage
      .getByRole('button', { name: /General Chat/ })
      .first()
      .click();
    const composer = tenantPage.getByRole('textbox', { name: 'Message', exact: true });
    await composer.fill('before the move');
    await composer.press('Enter');
    await tenantPage.getByRole('log').getByText('before the move').waitFor();
    assert.equal(await page.getByLabel('Database of zeta').inputValue(), 'main');
    page.once('dialog', (d) => void d.accept());
    await page.getByLabel('Database of zeta').selectOption('shard-2');
    const moved = page.getByRole('status').filter({ hasText: 'moved from main to shard-2' });
    await moved.waitFor();
    process.stdout.write(`# ${await moved.textContent()}\n`);
    await page.screenshot({ path: join(SHOTS, 'host-panel-moved.png') });
    assert.equal(await page.getByLabel('Database of zeta').inputValue(), 'shard-2');
    for (const text of ['after the move', 'and once more']) {
      await composer.fill(text);
      await composer.press('Enter');
      await tenantPage.getByRole('log').getByText(text).waitFor();
    }
    // Read back from the new shard after a reload: history before and after the move.
    await tenantPage.reload();
    await tenantPage
      .getByRole('button', { name: /General Chat/ })
      .first()
      .click();
    await tenantPage.getByRole('log').getByText('and once more').waitFor();
    await tenantPage.getByRole('log').getByText('before the move').waitFor();

    // Delete asks for the slug, then the organisation is gone everywhere.
    page.once('dialog', (d) => void d.accept('zeta'));
    await page.getByRole('row', { name: /zeta/ }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No tenants yet').waitFor();
    for (const instance of cluster.instances) {
      assert.equal((await get(instance.port, '/', tenantHost)).status, 404);
    }
    const unknown = await browser.newPage();
    await unknown.goto(`http://nowhere.localhost:${cluster.caddy.port}/`);
    await unknown.getByRole('heading', { name: 'No organisation here' }).waitFor();
  });
});
