/**
 * Workspace settings and branding: who sees what, every field's change (audited, live to open
 * clients), Markdown rendered safe, the Brand plan gating branding, the default password and
 * chat name taking effect, the manifest following the name, and bad input refused.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tenantDb } from '@rosterchirp/db';
import type { TenantAuditEntry, TenantSettings, User } from '@rosterchirp/protocol';
import {
  adminWorldForSuite,
  api,
  connectSocket,
  createMember,
  login,
  recordEvents,
  waitFor,
} from './harness.ts';

const PNG = readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png'));

describe('workspace settings and branding', () => {
  const world = adminWorldForSuite();

  const read = (token?: string) =>
    api<{ settings: TenantSettings }>(world.server, 'GET', '/api/settings', token ? { token } : {});
  const patch = (body: unknown, token = world.adminToken) =>
    api<{ settings: TenantSettings; error: { code: string; details?: { field?: string } } }>(
      world.server,
      'PATCH',
      '/api/settings',
      { token, body },
    );

  it('the sign-in page sees the public part, people the help page, admins everything', async () => {
    const member = await createMember(world.server, world.adminToken, 'Set Member');
    const anonymous = (await read()).body.settings;
    assert.equal(anonymous.appName, 'RosterChirp');
    assert.deepEqual(Object.keys(anonymous).sort(), [
      'aboutHtml',
      'aboutMarkdown',
      'appName',
      'colors',
      'iconUrl',
      'logoUrl',
      'registrationOpen',
    ]);
    const asMember = (await read(member.token)).body.settings;
    assert.equal(typeof asMember.helpHtml, 'string');
    assert.equal(asMember.helpMarkdown, undefined);
    assert.equal(asMember.defaultUserPasswordSet, undefined);
    const asAdmin = (await read(world.adminToken)).body.settings;
    assert.equal(asAdmin.defaultChatName, 'General Chat');
    assert.equal(asAdmin.defaultUserPasswordSet, false);
    assert.equal(asAdmin.requireTotpForAdmins, false);
  });

  it('an admin brands the workspace: audited, live to open clients, in the manifest', async () => {
    const member = await createMember(world.server, world.adminToken, 'Live Viewer');
    const socket = await connectSocket(world.server, member.token);
    const heard = recordEvents(socket);
    try {
      const form = new FormData();
      form.set('kind', 'logo');
      form.set('file', new Blob([PNG], { type: 'image/png' }), 'logo.png');
      const upload = await fetch(`${world.server.url}/api/uploads/direct`, {
        method: 'POST',
        headers: { authorization: `Bearer ${world.adminToken}` },
        body: form,
      });
      const { key } = (await upload.json()) as { key: string };
      const res = await patch({
        appName: '  Harbour Rowing Club ',
        colors: { primary: '#0b5394', accent: '#f1c232' },
        logoKey: key,
        iconKey: key,
        aboutMarkdown: 'Welcome to **Harbour**. <script>alert(1)</script> [site](https://harbour.example)',
        helpMarkdown: '## Help\n\nAsk the [captain](mailto:captain@harbour.example).',
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const s = res.body.settings;
      assert.equal(s.appName, 'Harbour Rowing Club');
      assert.deepEqual(s.colors, { primary: '#0b5394', accent: '#f1c232' });
      assert.equal(s.logoUrl, `/api/uploads/${key}`);
      assert.match(s.aboutHtml, /<strong>Harbour<\/strong>/);
      assert.doesNotMatch(s.aboutHtml, /script/);
      assert.match(s.aboutHtml, /href="https:\/\/harbour.example" target="_blank" rel="noopener noreferrer"/);
      assert.match(s.helpHtml ?? '', /<h2>Help<\/h2>/);

      await waitFor('settings:updated at the member', () =>
        heard.find(
          (h) =>
            h.event === 'settings:updated' &&
            (h.data as { settings: TenantSettings }).settings.appName === 'Harbour Rowing Club',
        ),
      );
      const live = heard.find((h) => h.event === 'settings:updated')!.data as { settings: TenantSettings };
      assert.equal(live.settings.helpMarkdown, undefined, 'the live event carries the public part only');

      const audit = await api<{ entries: TenantAuditEntry[] }>(
        world.server,
        'GET',
        '/api/audit?action=settings.updated',
        {
          token: world.adminToken,
        },
      );
      const details = audit.body.entries[0]!.details as Record<string, unknown>;
      assert.deepEqual(details.appName, { from: 'RosterChirp', to: 'Harbour Rowing Club' });
      assert.ok(details.aboutMarkdown, 'the about text change is recorded (its length, not the text)');

      const manifest = await fetch(`${world.server.url}/manifest.webmanifest`);
      const body = (await manifest.json()) as {
        name: string;
        theme_color: string;
        icons: Array<{ src: string }>;
      };
      assert.equal(body.name, 'Harbour Rowing Club');
      assert.equal(body.theme_color, '#0b5394');
      assert.equal(body.icons[0]?.src, `/api/uploads/${key}`);
    } finally {
      socket.close();
    }
  });

  it('the default chat name renames the chat; the default password is what new people get', async () => {
    const res = await patch({ defaultChatName: 'Clubhouse', defaultUserPassword: 'welcome-aboard-1' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.settings.defaultChatName, 'Clubhouse');
    assert.equal(res.body.settings.defaultUserPasswordSet, true);
    const groups = await api<{ groups: Array<{ name: string }> }>(world.server, 'GET', '/api/groups', {
      token: world.adminToken,
    });
    assert.ok(groups.body.groups.some((g) => g.name === 'Clubhouse'));

    const created = await api<{ user: User; password?: string }>(world.server, 'POST', '/api/users', {
      token: world.adminToken,
      body: { email: 'newbie@harbour.example', name: 'New Bie' },
    });
    assert.equal(created.body.password, 'welcome-aboard-1');
    const signedIn = await login(world.server, 'newbie@harbour.example', 'welcome-aboard-1');
    assert.equal(signedIn.user.mustChangePassword, true);

    const cleared = await patch({ defaultUserPassword: null });
    assert.equal(cleared.body.settings.defaultUserPasswordSet, false);
    const audit = await api<{ entries: TenantAuditEntry[] }>(
      world.server,
      'GET',
      '/api/audit?action=settings.updated',
      {
        token: world.adminToken,
      },
    );
    assert.equal(JSON.stringify(audit.body).includes('welcome-aboard-1'), false, 'never the password itself');
  });

  it('branding needs the Brand plan; the rest does not', async () => {
    const publicDb = tenantDb(world.server.pool, 'public');
    await world.server.services.settings.setPlan(publicDb, 'chat');
    try {
      const refused = await patch({ appName: 'Not On This Plan' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'FEATURE_DISABLED');
      assert.equal((await patch({ registrationOpen: true })).status, 200);
      assert.equal((await read()).body.settings.appName, 'Harbour Rowing Club', 'nothing changed');
    } finally {
      await world.server.services.settings.setPlan(publicDb, 'team');
    }
  });

  it('bad input is refused with the documented error and changes nothing', async () => {
    const member = await createMember(world.server, world.adminToken, 'Not Admin');
    assert.equal((await patch({ appName: 'Mine now' }, member.token)).status, 403);
    const image = new FormData();
    image.set('kind', 'image');
    image.set('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
    const up = await fetch(`${world.server.url}/api/uploads/direct`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.adminToken}` },
      body: image,
    });
    const { key } = (await up.json()) as { key: string };
    for (const body of [
      {},
      { appName: '' },
      { colors: { primary: '#12345', accent: '#ffffff' } },
      { colors: { primary: '#123456' } },
      { unknown: true },
      { defaultUserPassword: 'short' },
      { aboutMarkdown: 'x'.repeat(20_001) },
      { appName: 'a\u0000b' },
      { logoKey: key },
    ]) {
      const res = await patch(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED', JSON.stringify(body));
    }
    assert.equal((await read()).body.settings.appName, 'Harbour Rowing Club');
  });
});
