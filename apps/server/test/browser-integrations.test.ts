/**
 * Integrations in the browser: an admin creates a bot (its token shown once) and an incoming
 * webhook for a channel, a tool posts through the webhook and the post appears live with a BOT
 * badge; an outgoing webhook is added and its delivery log shows the delivery; a contact is
 * added to the address book; with LiveKit configured, "Start a call" posts the announcement with
 * its "Join the call" link. Screenshots: each tab, the conversation with the bot post.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { browserWorldForSuite, SHOTS, signIn } from './browser-kit.ts';
import { ADMIN, api, login, publicChannel, sendMessage, waitFor } from './harness.ts';

describe('integrations in the browser', () => {
  const world = browserWorldForSuite({
    integrations: {
      livekit: {
        url: 'wss://livekit.example.test',
        apiKey: 'APIkey',
        apiSecret: 'secret-of-enough-length-0123456789',
        meetUrl: 'about:blank',
      },
    },
  });
  let receiver: http.Server;
  let receiverUrl: string;
  let hits = 0;
  before(async () => {
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hits++;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(() => new Promise((r) => receiver.close(r)));

  it('an admin sets up a bot, webhooks and a contact; a webhook post shows with a BOT badge; a call is announced', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const channel = await publicChannel(world.server, admin.token);
    const page = await (await world.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(page, world.server.url, ADMIN.email, ADMIN.password);

    await page.getByRole('button', { name: 'Integrations' }).click();
    const dialog = page.getByRole('dialog', { name: 'Integrations' });
    await dialog.getByLabel('Bot name').fill('Deploy Bot');
    await dialog.getByRole('button', { name: 'Create bot' }).click();
    const token = await dialog.locator('.shown-once__value').textContent();
    assert.ok(token && token.length > 40, 'the token is shown once');
    await dialog.getByText('@deploy.bot').waitFor();
    await page.screenshot({ path: join(SHOTS, 'integrations-bots.png') });
    const viaToken = await api(world.server, 'GET', '/api/groups', { token: token! });
    assert.equal(viaToken.status, 200, 'the shown token works');

    await dialog.getByRole('tab', { name: 'Webhooks' }).click();
    await dialog.getByLabel('Conversation it posts to').selectOption(String(channel));
    await dialog.getByLabel('Webhook name').fill('Alerts');
    await dialog.getByRole('button', { name: 'Create incoming webhook' }).click();
    const url = (await dialog.locator('.shown-once__value').textContent()) ?? '';
    assert.match(url, /\/hooks\/incoming\//);
    await dialog.getByLabel('Target URL').fill(receiverUrl);
    await dialog.getByRole('button', { name: 'Create outgoing webhook' }).click();
    await dialog.getByText(receiverUrl).waitFor();

    const posted = await api(world.server, 'POST', new URL(url).pathname, {
      body: { text: 'CPU at 97% on db-1', username: 'Grafana' },
    });
    assert.equal(posted.status, 200);
    // A person's message reaches the outgoing webhook (a bot's never does: no loops).
    await sendMessage(world.server, admin.token, channel, 'hello hooks');
    await waitFor('the outgoing delivery', () => hits >= 1, 15_000);
    await dialog.getByRole('button', { name: 'Deliveries' }).click();
    await dialog
      .getByRole('table', { name: 'Delivery log' })
      .getByRole('cell', { name: 'delivered' })
      .waitFor();
    await page.screenshot({ path: join(SHOTS, 'integrations-webhooks.png') });

    await dialog.getByRole('tab', { name: 'SMS' }).click();
    await dialog.getByLabel('Contact name').fill('Carla Customer');
    await dialog.getByLabel('Contact phone').fill('+15551230001');
    await dialog.getByLabel('Contact tags').fill('vip, retail');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await dialog.getByText('#vip #retail').waitFor();
    await dialog.getByLabel('Sending number').fill('555');
    await dialog.getByLabel('Account SID').fill('nope');
    await dialog.getByLabel('Auth token').fill('short');
    await dialog.getByRole('button', { name: 'Save account' }).click();
    await dialog.getByRole('alert').waitFor();
    await page.screenshot({ path: join(SHOTS, 'integrations-sms.png') });
    await dialog.getByRole('tab', { name: 'WhatsApp' }).click();
    await dialog.getByText('Not linked.').waitFor();
    await page.keyboard.press('Escape');

    // The webhook's post, live, with its badge; the call button announces a call.
    await page
      .getByRole('button', { name: /General/ })
      .first()
      .click();
    const row = page.locator('.msg', { hasText: 'CPU at 97% on db-1' });
    await row.locator('.bot-badge').waitFor();
    assert.equal(await row.locator('.msg__author').textContent(), 'Grafana');
    await page.getByRole('button', { name: 'Start a call' }).click();
    await page.getByRole('link', { name: 'Join the call' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'integrations-conversation.png') });
    assert.equal(hits, 1, 'only the person’s message was sent out');
  });
});
