/**
 * Conversations in the client: an admin creates a public channel from the new-conversation
 * dialog (everyone sees it live); the conversation's title opens its info — members with
 * their online state, rename, add and remove people — and a member leaves a private group.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { browserWorldForSuite, PHONE, SHOTS, signIn } from './browser-kit.ts';
import { ADMIN, createMember, login } from './harness.ts';

describe('conversations in the browser', () => {
  const world = browserWorldForSuite();

  it('a public channel from the dialog, then a private group managed from its info panel', async () => {
    const admin = await login(world.server, ADMIN.email, ADMIN.password);
    const owner = await createMember(world.server, admin.token, 'Olive Owner');
    const bea = await createMember(world.server, admin.token, 'Bea Bee');
    await createMember(world.server, admin.token, 'Cal Cat');

    const adminPage = await (
      await world.browser.newContext({ viewport: { width: 1280, height: 860 } })
    ).newPage();
    const ownerPage = await (
      await world.browser.newContext({ viewport: { width: 1280, height: 860 } })
    ).newPage();
    const beaPage = await (await world.browser.newContext(PHONE)).newPage();
    await signIn(adminPage, world.server.url, ADMIN.email, ADMIN.password);
    await signIn(ownerPage, world.server.url, owner.user.email, owner.password);
    await signIn(beaPage, world.server.url, bea.user.email, bea.password);

    // Only admins see the public-channel tab.
    await ownerPage.getByRole('button', { name: 'New conversation' }).click();
    assert.equal(await ownerPage.getByRole('tab', { name: 'Public channel' }).count(), 0);
    await ownerPage.getByRole('button', { name: 'Close' }).click();

    await adminPage.getByRole('button', { name: 'New conversation' }).click();
    await adminPage.getByRole('tab', { name: 'Public channel' }).click();
    await adminPage.getByLabel('Channel name').fill('Announcements');
    await adminPage.getByRole('button', { name: 'Create channel' }).click();
    await adminPage.getByRole('heading', { name: '# Announcements' }).waitFor();
    await beaPage.getByRole('button', { name: /Announcements/ }).waitFor({ timeout: 5000 });

    // The owner makes a private group with Bea and manages it from the title.
    await ownerPage.getByRole('button', { name: 'New conversation' }).click();
    await ownerPage.getByRole('tab', { name: 'Private group' }).click();
    await ownerPage.getByPlaceholder('Group name').fill('Boat crew');
    await ownerPage.getByRole('button', { name: /Bea Bee/ }).click();
    await ownerPage.getByRole('button', { name: /Create group/ }).click();
    await ownerPage.getByRole('button', { name: 'About Boat crew' }).click();
    const info = ownerPage.getByRole('dialog', { name: 'Conversation info' });
    await info.getByText('2 members').waitFor();
    await info.getByText(/owner/).waitFor();
    await info.getByRole('button', { name: 'Add people' }).click();
    await info.getByLabel('Find people to add').fill('Cal');
    await info.getByRole('button', { name: /Cal Cat/ }).click();
    await info.getByText('3 members').waitFor();
    await info.getByRole('button', { name: 'Remove Cal Cat' }).click();
    await info.getByText('2 members').waitFor();
    await info.getByLabel('Conversation name').fill('Boat crew 2027');
    await info.getByRole('button', { name: 'Rename' }).click();
    await ownerPage.getByRole('heading', { name: 'Boat crew 2027' }).first().waitFor();
    await info.locator('input[type=file]').setInputFiles({
      name: 'crew.png',
      mimeType: 'image/png',
      buffer: readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png')),
    });
    // The sidebar shows the group's picture (the small one), live.
    await ownerPage
      .getByRole('navigation', { name: 'Conversations' })
      .locator('img[src*="/thumb/"]')
      .first()
      .waitFor();
    await ownerPage.screenshot({ path: join(SHOTS, 'conversation-info-desktop.png') });
    await ownerPage.getByRole('button', { name: 'Close' }).click();

    // Bea sees the new name live, then leaves from her phone.
    await beaPage.getByRole('button', { name: /Boat crew 2027/ }).click();
    await beaPage.getByRole('button', { name: 'About Boat crew 2027' }).click();
    await beaPage.screenshot({ path: join(SHOTS, 'conversation-info-phone.png') });
    await beaPage.getByRole('button', { name: 'Leave this group' }).click();
    await beaPage
      .getByRole('navigation', { name: 'Conversations' })
      .getByText('Boat crew 2027')
      .waitFor({ state: 'detached' });
    await ownerPage.getByRole('button', { name: 'About Boat crew 2027' }).click();
    await ownerPage.getByRole('dialog', { name: 'Conversation info' }).getByText('1 member').waitFor();

    // Bea (back on the list after leaving) quiets Announcements, leaves it from the channel
    // browser, and joins it again.
    await beaPage.getByRole('button', { name: /Announcements/ }).click();
    await beaPage.getByRole('button', { name: 'About # Announcements' }).click();
    const beaInfo = beaPage.getByRole('dialog', { name: 'Conversation info' });
    await beaInfo.getByLabel('Notifications').selectOption('none');
    await beaPage.getByRole('button', { name: 'Close' }).click();
    await beaPage.getByRole('button', { name: 'Back to conversations' }).click();
    await beaPage.getByRole('button', { name: 'Browse' }).click();
    const browser2 = beaPage.getByRole('dialog', { name: 'Channels' });
    await browser2.getByRole('button', { name: 'Leave Announcements' }).click();
    await browser2.getByRole('button', { name: 'Join Announcements' }).waitFor();
    const list = beaPage.getByRole('navigation', { name: 'Conversations' });
    assert.equal(await list.getByText('Announcements').count(), 0, 'a channel left leaves the list');
    await beaPage.screenshot({ path: join(SHOTS, 'channel-browser-phone.png') });
    await browser2.getByRole('button', { name: 'Join Announcements' }).click();
    await browser2.getByRole('button', { name: 'Leave Announcements' }).waitFor();
    await beaPage.getByRole('button', { name: 'Close' }).click();
    await list.getByText('Announcements').waitFor();
    const prefs = await fetch(`${world.server.url}/api/groups`, {
      headers: { authorization: `Bearer ${bea.token}` },
    });
    const { groups } = (await prefs.json()) as { groups: Array<{ name: string; notify: string }> };
    assert.equal(groups.find((g) => g.name === 'Announcements')?.notify, 'none', 'the level was kept');
  });
});
