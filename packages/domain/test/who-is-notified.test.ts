import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inQuietHours } from '@rosterchirp/protocol';
import type { MessageForPush } from '@rosterchirp/store';
import { messageNotification } from '../src/notifications/message-notification.ts';
import { retryAfterSeconds } from '../src/notifications/web-push-delivery.ts';
import { wantsNotification } from '../src/notifications/who-is-notified.ts';

const noon = new Date('2026-06-15T12:00:00Z');
const quiet = (start: string, end: string, timeZone: string, allowMentions = false) => ({
  quietHours: { start, end, timeZone, allowMentions },
});

describe('who is notified', () => {
  it('by level: all always, mentions only when mentioned, none never', () => {
    const group = { groupType: 'private' as const };
    for (const [level, mentioned, expected] of [
      ['all', false, true],
      ['mentions', false, false],
      ['mentions', true, true],
      ['none', true, false],
    ] as const) {
      assert.equal(
        wantsNotification({ level, mentioned, preferences: {} }, group, noon),
        expected,
        `${level}/${mentioned}`,
      );
    }
  });

  it('quiet hours in the person’s time zone, spanning midnight; mentions and DMs pass only when allowed', () => {
    // 12:00 UTC is 21:00 in Tokyo (inside 20:00–07:00) and 14:00 in Oslo in June (outside).
    const tokyo = quiet('20:00', '07:00', 'Asia/Tokyo');
    const oslo = quiet('20:00', '07:00', 'Europe/Oslo');
    const plain = { level: 'all' as const, mentioned: false };
    assert.equal(wantsNotification({ ...plain, preferences: tokyo }, { groupType: 'private' }, noon), false);
    assert.equal(wantsNotification({ ...plain, preferences: oslo }, { groupType: 'private' }, noon), true);
    const mention = { level: 'all' as const, mentioned: true };
    assert.equal(
      wantsNotification({ ...mention, preferences: tokyo }, { groupType: 'private' }, noon),
      false,
    );
    const allowing = quiet('20:00', '07:00', 'Asia/Tokyo', true);
    assert.equal(
      wantsNotification({ ...mention, preferences: allowing }, { groupType: 'private' }, noon),
      true,
    );
    assert.equal(wantsNotification({ ...plain, preferences: allowing }, { groupType: 'direct' }, noon), true);
    assert.equal(
      wantsNotification({ ...plain, preferences: allowing }, { groupType: 'public' }, noon),
      false,
    );
  });

  it('inQuietHours: the window’s edges, and an empty window', () => {
    const q = { start: '22:00', end: '06:30', timeZone: 'UTC' };
    assert.equal(inQuietHours(q, new Date('2026-01-01T21:59:00Z')), false);
    assert.equal(inQuietHours(q, new Date('2026-01-01T22:00:00Z')), true);
    assert.equal(inQuietHours(q, new Date('2026-01-02T06:29:00Z')), true);
    assert.equal(inQuietHours(q, new Date('2026-01-02T06:30:00Z')), false);
    assert.equal(inQuietHours({ start: '09:00', end: '09:00', timeZone: 'UTC' }, noon), false);
  });
});

describe('the notification of a message', () => {
  const base: MessageForPush = {
    id: 41,
    groupId: 7,
    groupType: 'private',
    groupName: 'Under 12s',
    authorId: 3,
    authorName: 'Ann Coach',
    content: 'See **you** at [the pitch](https://example.org)',
    hasImage: false,
    mentions: [],
    deleted: false,
    system: false,
  };

  it('titled by the conversation, plain text, one tag per conversation, opening it', () => {
    assert.deepEqual(messageNotification(base), {
      title: 'Under 12s',
      body: 'Ann Coach: See you at the pitch',
      groupId: 7,
      messageId: 41,
      url: '/?g=7',
      tag: 'group-7',
      icon: '/icon-192.png',
    });
  });

  it('a direct message is titled by its author; an image alone reads "📷 Image"', () => {
    const dm = messageNotification({ ...base, groupType: 'direct', content: '', hasImage: true });
    assert.equal(dm.title, 'Ann Coach');
    assert.equal(dm.body, 'Ann Coach: 📷 Image');
  });
});

describe('Retry-After', () => {
  it('as seconds or as an HTTP date; nothing usable is null', () => {
    const now = Date.parse('2026-06-15T12:00:00Z');
    assert.equal(retryAfterSeconds('120', now), 120);
    assert.equal(retryAfterSeconds('Mon, 15 Jun 2026 12:00:30 GMT', now), 30);
    assert.equal(retryAfterSeconds('Mon, 15 Jun 2026 11:00:00 GMT', now), 0);
    assert.equal(retryAfterSeconds(undefined, now), null);
    assert.equal(retryAfterSeconds('soon', now), null);
  });
});
