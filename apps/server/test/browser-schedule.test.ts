/**
 * The schedule in headless Chromium: an admin plans a match (times typed freely) and a weekly
 * training on the desktop; a member on a phone sees them appear live, answers "Going"; the
 * keyword filter lists matches and clearing it brings the calendar back; a manager's phone has
 * its own event form. Screenshots go to test-results/screenshots/schedule-*.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserWorldForSuite, PHONE, SHOTS, signIn } from './browser-kit.ts';
import { ADMIN, createMember, login } from './harness.ts';

describe('schedule in the browser', () => {
  const world = browserWorldForSuite();

  /** Fills the event form (dialog or page) and saves it. */
  async function createEvent(
    page: Page,
    fields: { title: string; from: string; to: string; weekly?: boolean },
    formOpen = false,
  ) {
    if (!formOpen) await page.getByRole('button', { name: 'New event' }).click();
    await page.getByLabel('Title').fill(fields.title);
    // Tomorrow, so it is never in the past whatever the time now.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
    await page.getByLabel('Day', { exact: true }).fill(day);
    await page.getByLabel('From').fill(fields.from);
    await page.getByLabel('To', { exact: true }).fill(fields.to);
    if (fields.weekly) await page.getByRole('combobox', { name: 'Repeats' }).selectOption('weekly');
    await page.getByRole('button', { name: 'Create event' }).click();
  }

  it('plan, see it live on a phone, answer, filter, and the phone form', async () => {
    const { server, browser } = world;
    const admin = await login(server, ADMIN.email, ADMIN.password, 'mobile');
    const member = await createMember(server, admin.token, 'Pia Phone');

    const desktop = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await signIn(desktop, server.url, ADMIN.email, ADMIN.password);
    await desktop.getByRole('button', { name: 'Schedule' }).click();
    await desktop.getByRole('button', { name: 'New event' }).waitFor();

    // A time that is not a time is refused with a hint, and nothing is saved.
    await desktop.getByRole('button', { name: 'New event' }).click();
    await desktop.getByLabel('Title').fill('Broken');
    await desktop.getByLabel('From').fill('25:99');
    await desktop.getByRole('button', { name: 'Create event' }).click();
    await desktop.getByRole('alert').filter({ hasText: 'is not a time' }).waitFor();
    await desktop.getByRole('button', { name: 'Cancel' }).click();

    // The member's phone has the schedule open before anything is planned.
    const phone = await (await browser.newContext(PHONE)).newPage();
    await signIn(phone, server.url, member.user.email, member.password);
    await phone.getByRole('button', { name: 'Schedule' }).click();
    await phone.getByText('Nothing coming up in the next month.').waitFor();
    assert.equal(
      await phone.getByRole('button', { name: 'New event' }).count(),
      0,
      'members do not create events',
    );

    await createEvent(desktop, { title: 'Saturday match', from: '930', to: '11:30am' });
    await createEvent(desktop, { title: 'Weekly training', from: '6pm', to: '19:30', weekly: true });
    await desktop.getByRole('button', { name: 'Agenda' }).click();
    const match = desktop.locator('.event-chip', { hasText: 'Saturday match' });
    await match.waitFor();
    assert.match((await match.locator('.event-chip__time').textContent()) ?? '', /09:30/);
    await desktop.getByRole('button', { name: 'Month' }).click();
    // Tomorrow may be next month: the agenda above proved it exists; the month shows what it holds.
    await desktop.locator('table.month').waitFor();
    await desktop.screenshot({ path: join(SHOTS, 'schedule-month-desktop.png') });

    // Live on the phone: both arrive without a reload; Pia answers "Going".
    await phone.locator('.event-chip', { hasText: 'Saturday match' }).waitFor();
    await phone.locator('.event-chip', { hasText: 'Weekly training' }).first().waitFor();
    await phone.screenshot({ path: join(SHOTS, 'schedule-agenda-phone.png') });
    await phone.locator('.event-chip', { hasText: 'Saturday match' }).click();
    await phone.getByRole('button', { name: 'Going', exact: true }).click();
    await phone.getByText('1 going · 0 maybe · 0 not going').waitFor();
    await phone.locator('.event-detail__people', { hasText: 'Pia Phone' }).waitFor();
    await phone.screenshot({ path: join(SHOTS, 'schedule-event-phone.png') });
    await phone.getByRole('button', { name: 'Close' }).click();

    // The admin sees the answer on the event; a recurring one asks which occurrences to edit.
    await desktop.getByRole('button', { name: 'Agenda' }).click();
    await desktop.locator('.event-chip', { hasText: 'Saturday match' }).click();
    await desktop.locator('.event-detail__people', { hasText: 'Pia Phone' }).waitFor();
    await desktop.getByRole('button', { name: 'Close' }).click();
    await desktop.locator('.event-chip', { hasText: 'Weekly training' }).first().click();
    await desktop.getByRole('button', { name: 'Edit' }).click();
    await desktop.getByText('Change which occurrences?').waitFor();
    await desktop.screenshot({ path: join(SHOTS, 'schedule-scope-desktop.png') });
    await desktop.getByRole('button', { name: 'This occurrence' }).click();
    await desktop.getByLabel('Title').fill('Training (moved)');
    await desktop.getByRole('button', { name: 'Save' }).click();
    await desktop.locator('.event-chip', { hasText: 'Training (moved)' }).waitFor();
    assert.ok(
      (await desktop.locator('.event-chip', { hasText: 'Weekly training' }).count()) >= 3,
      'the rest of the series stays',
    );

    // Keyword filter: a list of the month's matches; clearing it returns to the calendar.
    await desktop.getByRole('button', { name: 'Month' }).click();
    await desktop.getByLabel('Filter by keyword').fill('mat');
    await desktop.getByRole('heading', { name: /^Matching events in/ }).waitFor();
    await desktop.locator('.schedule__body[aria-busy="false"]').waitFor();
    const matches = async () =>
      (await desktop.locator('.event-chip__title').allTextContents()).filter(Boolean);
    // Tomorrow may fall in the next month: look there if this month has none.
    if ((await matches()).length === 0) {
      await desktop.getByRole('button', { name: 'Next' }).click();
      await desktop.locator('.schedule__body[aria-busy="false"]').waitFor();
    }
    assert.deepEqual(await matches(), ['Saturday match'], '"mat" is the start of "match" only');
    await desktop.screenshot({ path: join(SHOTS, 'schedule-filter-desktop.png') });
    await desktop.getByLabel('Filter by keyword').fill('"mat"');
    await desktop.getByText('No events match this month.').waitFor();
    await desktop.getByLabel('Filter by keyword').fill('"match"');
    await desktop.locator('.event-chip', { hasText: 'Saturday match' }).waitFor();
    await desktop.getByLabel('Filter by keyword').fill('');
    await desktop.locator('table.month').waitFor();

    // A manager's phone: the event form is a page of its own.
    const adminPhone = await (await browser.newContext(PHONE)).newPage();
    await signIn(adminPhone, server.url, ADMIN.email, ADMIN.password);
    await adminPhone.getByRole('button', { name: 'Schedule' }).click();
    await adminPhone.getByRole('button', { name: 'New event' }).click();
    await adminPhone.getByRole('heading', { name: 'New event' }).waitFor();
    assert.equal(await adminPhone.locator('.dialog').count(), 0, 'a page, not a dialog');
    await adminPhone.screenshot({ path: join(SHOTS, 'schedule-form-phone.png') });
    await createEvent(adminPhone, { title: 'Phone planned', from: '7pm', to: '8pm' }, true);
    await adminPhone.locator('.event-chip', { hasText: 'Phone planned' }).waitFor();
    await phone.locator('.event-chip', { hasText: 'Phone planned' }).waitFor();
  });
});
