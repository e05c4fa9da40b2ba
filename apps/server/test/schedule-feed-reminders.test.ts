/**
 * The schedule's calendar feed (checked by an independent iCalendar parser, ical.js) and its
 * reminders (real Web Push through the local push stand-in; two instances on one job queue).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PushStandIn, startPushStandIn } from '@rosterchirp/infra';
import type { EventType, Occurrence, ScheduleEvent } from '@rosterchirp/protocol';
import ICAL from 'ical.js';
import {
  ADMIN,
  api,
  createMember,
  login,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

const DAY = 86_400_000;
const HOUR = 3600_000;
const iso = (d: Date) => d.toISOString();

/** Every occurrence start of each VEVENT in [from, to), expanded by ical.js in its own zones. */
function expandFeed(text: string, from: Date, to: Date): Map<string, string[]> {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const out = new Map<string, string[]>();
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    const starts: string[] = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      const at = next.toJSDate();
      if (at >= to) break;
      if (at >= from) starts.push(at.toISOString());
    }
    out.set(event.summary, starts);
  }
  return out;
}

describe('schedule: calendar feed and reminders', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let second: TestServer;
  let standIn: PushStandIn;
  let admin: { token: string };
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let typeId: number;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg, { pushAllowPrivateEndpoints: true, instanceId: 'one' });
    second = await startTestServer(pg, { pushAllowPrivateEndpoints: true, instanceId: 'two' });
    standIn = await startPushStandIn();
    admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await createMember(server, admin.token, 'Alice Ant');
    bob = await createMember(server, admin.token, 'Bob Bee');
    typeId = (
      await api<{ eventTypes: EventType[] }>(server, 'GET', '/api/event-types', { token: admin.token })
    ).body.eventTypes[0]!.id;
  });
  after(async () => {
    await standIn?.stop();
    await second?.close();
    await server?.close();
    await pg?.stop();
  });

  const create = (body: Record<string, unknown>) =>
    api<{ event: ScheduleEvent }>(server, 'POST', '/api/events', {
      token: admin.token,
      body: { typeId, ...body },
    });

  it('a secret feed carries series with their time zone, rules and exceptions; revoked, it is gone', async () => {
    // Weekly 18:30 in New York for 10 weeks, one week skipped; an all-day event; a one-off.
    const first = new Date(Date.now() + 2 * DAY);
    first.setUTCHours(23, 30, 0, 0);
    const weekly = await create({
      title: 'Weekly practice',
      location: 'Field 2',
      start: iso(first),
      end: iso(new Date(first.getTime() + 90 * 60_000)),
      timeZone: 'America/New_York',
      recurrence: { freq: 'weekly', count: 10 },
    });
    assert.equal(weekly.status, 201);
    const skipped = (
      await api<{ occurrences: Occurrence[] }>(
        server,
        'GET',
        `/api/events?from=${encodeURIComponent(iso(first))}&to=${encodeURIComponent(iso(new Date(first.getTime() + 30 * DAY)))}`,
        { token: admin.token },
      )
    ).body.occurrences.filter((o) => o.eventId === weekly.body.event.id)[2]!.start;
    assert.equal(
      (
        await api(
          server,
          'DELETE',
          `/api/events/${weekly.body.event.id}?scope=occurrence&occurrenceStart=${encodeURIComponent(skipped)}`,
          {
            token: admin.token,
          },
        )
      ).status,
      204,
    );
    const day = new Date(Date.now() + 5 * DAY);
    day.setUTCHours(0, 0, 0, 0);
    await create({
      title: 'Tournament day',
      start: iso(day),
      end: iso(new Date(day.getTime() + DAY)),
      allDay: true,
      timeZone: 'UTC',
    });
    await create({
      title: 'Kit handout',
      start: iso(new Date(day.getTime() + 10 * HOUR)),
      end: iso(new Date(day.getTime() + 11 * HOUR)),
      timeZone: 'Europe/Paris',
    });

    const issued = await api<{ token: string; url: string }>(server, 'POST', '/api/calendar/token', {
      token: alice.token,
    });
    assert.equal(issued.status, 200);
    assert.match(issued.body.url, /\/api\/calendar\.ics\?token=/);
    const status = await api<{ active: boolean }>(server, 'GET', '/api/calendar/token', {
      token: alice.token,
    });
    assert.equal(status.body.active, true);
    const res = await fetch(`${server.url}/api/calendar.ics?token=${issued.body.token}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/calendar/);
    const text = await res.text();
    assert.match(text, /DTSTART;TZID=America\/New_York:/);
    assert.match(text, /RRULE:FREQ=WEEKLY;COUNT=10/);
    assert.match(text, /EXDATE;TZID=America\/New_York:/);
    assert.match(text, /BEGIN:VTIMEZONE\r\nTZID:America\/New_York/);
    assert.match(text, /DTSTART;VALUE=DATE:/);

    // An independent parser expands the feed to exactly what the API lists.
    const from = new Date(Date.now() - DAY);
    const to = new Date(Date.now() + 120 * DAY);
    const expanded = expandFeed(text, from, to);
    const listed = (
      await api<{ occurrences: Occurrence[] }>(
        server,
        'GET',
        `/api/events?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(new Date(from.getTime() + 365 * DAY)))}`,
        { token: alice.token },
      )
    ).body.occurrences;
    for (const title of ['Weekly practice', 'Tournament day', 'Kit handout']) {
      const api = listed.filter((o) => o.title === title).map((o) => o.start);
      assert.deepEqual(expanded.get(title), api, title);
    }
    assert.equal(expanded.get('Weekly practice')!.length, 9, 'ten weeks, one skipped');
    assert.ok(!expanded.get('Weekly practice')!.includes(skipped));

    // A new link replaces the old; turning it off ends the feed.
    const replaced = await api<{ token: string }>(server, 'POST', '/api/calendar/token', {
      token: alice.token,
    });
    assert.equal((await fetch(`${server.url}/api/calendar.ics?token=${issued.body.token}`)).status, 404);
    assert.equal((await fetch(`${server.url}/api/calendar.ics?token=${replaced.body.token}`)).status, 200);
    assert.equal((await api(server, 'DELETE', '/api/calendar/token', { token: alice.token })).status, 204);
    const gone = await fetch(`${server.url}/api/calendar.ics?token=${replaced.body.token}`);
    assert.equal(gone.status, 404);
    assert.equal(((await gone.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    assert.equal((await fetch(`${server.url}/api/calendar.ics`)).status, 400);
  });

  it('a reminder reaches the audience’s devices once, with two instances asking, and skips who is not going', async () => {
    const subscribe = async (token: string) => {
      const device = standIn.subscribe();
      const res = await api(server, 'POST', '/api/push/subscriptions', {
        token,
        body: { subscription: { endpoint: device.endpoint, keys: device.keys } },
      });
      assert.equal(res.status, 201);
      return device;
    };
    const aliceDevice = await subscribe(
      (await login(server, alice.user.email, alice.password, 'mobile')).token,
    );
    const bobDevice = await subscribe((await login(server, bob.user.email, bob.password, 'mobile')).token);
    // Starts in 62 s with a one-minute reminder: due in about 2 s, time enough for Bob to decline.
    const start = new Date(Math.ceil((Date.now() + 62_000) / 1000) * 1000);
    const made = await create({
      title: 'Away game',
      location: 'North stadium',
      start: iso(start),
      end: iso(new Date(start.getTime() + 2 * HOUR)),
      timeZone: 'UTC',
      reminderMinutes: 1,
    });
    assert.equal(made.status, 201);
    const declined = await api(server, 'POST', `/api/events/${made.body.event.id}/rsvp`, {
      token: bob.token,
      body: { occurrenceStart: iso(start), status: 'not_going' },
    });
    assert.equal(declined.status, 200);
    // Both instances sweep too (as each does hourly): the same reminder, asked for three times.
    const [sweepOne, sweepTwo] = [server, second].map((s) => s.services.background.sweepReminders());
    await Promise.all([sweepOne, sweepTwo]);

    const reminders = () => standIn.received.filter((r) => r.payload.title === 'Away game');
    await waitFor(
      'the reminder on Alice’s phone',
      () => reminders().some((r) => r.subscriptionId === aliceDevice.id),
      15_000,
    );
    // Once the queue holds nothing more for it, what arrived is all that ever will.
    await waitFor('no reminder job left', async () => {
      const { rows } = await server.pool.query(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'schedule-reminder' AND state IN ('created', 'retry', 'active')`,
      );
      return rows[0].n === 0;
    });
    assert.equal(reminders().filter((r) => r.subscriptionId === aliceDevice.id).length, 1, 'exactly once');
    assert.equal(
      reminders().filter((r) => r.subscriptionId === bobDevice.id).length,
      0,
      'not going: no reminder',
    );
    const push = reminders()[0]!;
    assert.equal(push.vapidValid, true);
    assert.match(String(push.payload.body), /North stadium/);
    assert.equal(push.payload.url, `/?event=${made.body.event.id}&at=${encodeURIComponent(iso(start))}`);
  });
});
