import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  EventDetail,
  EventType,
  Occurrence,
  RsvpDetail,
  ScheduleEvent,
  UserGroup,
} from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  createMember,
  createPrivateGroup,
  login,
  recordEvents,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { field?: string } } };
const DAY = 86_400_000;
const HOUR = 3600_000;

/** A whole UTC hour some days ahead: tests never depend on today's date. */
const ahead = (days: number, hour = 9) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};
const iso = (d: Date) => d.toISOString();

describe('schedule', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let admin: { token: string };
  let manager: Awaited<ReturnType<typeof createMember>>;
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let types: EventType[];

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
    admin = await login(server, ADMIN.email, ADMIN.password);
    manager = await createMember(server, admin.token, 'Mia Manager');
    await api(server, 'PATCH', `/api/users/${manager.user.id}`, {
      token: admin.token,
      body: { role: 'manager' },
    });
    alice = await createMember(server, admin.token, 'Alice Ant');
    bob = await createMember(server, admin.token, 'Bob Bee');
    types = (
      await api<{ eventTypes: EventType[] }>(server, 'GET', '/api/event-types', { token: alice.token })
    ).body.eventTypes;
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  const create = (token: string, body: Record<string, unknown>) =>
    api<{ event: ScheduleEvent } & ErrorBody>(server, 'POST', '/api/events', {
      token,
      body: { typeId: types[0]!.id, timeZone: 'UTC', ...body },
    });
  const list = async (token: string, query: Record<string, string>) => {
    const res = await api<{ occurrences: Occurrence[] } & ErrorBody>(
      server,
      'GET',
      `/api/events?${new URLSearchParams(query)}`,
      { token },
    );
    return res;
  };
  const titles = (occ: Occurrence[]) => occ.map((o) => o.title);

  it('seeds event types; members read them, managers edit them, names stay unique', async () => {
    assert.deepEqual(
      types.map((t) => t.name),
      ['Meeting', 'Training', 'Game', 'Social', 'Other'],
    );
    const refused = await api<ErrorBody>(server, 'POST', '/api/event-types', {
      token: alice.token,
      body: { name: 'Party', color: '#ff00ff' },
    });
    assert.equal(refused.status, 403);
    const made = await api<{ eventType: EventType }>(server, 'POST', '/api/event-types', {
      token: manager.token,
      body: { name: 'Party', color: '#FF00FF' },
    });
    assert.equal(made.status, 201);
    assert.equal(made.body.eventType.color, '#ff00ff');
    const twice = await api<ErrorBody>(server, 'POST', '/api/event-types', {
      token: manager.token,
      body: { name: 'party', color: '#00ff00' },
    });
    assert.equal(twice.status, 409);
    const badColour = await api<ErrorBody>(server, 'POST', '/api/event-types', {
      token: manager.token,
      body: { name: 'Odd', color: 'red' },
    });
    assert.equal(badColour.status, 400);
    const renamed = await api<{ eventType: EventType }>(
      server,
      'PATCH',
      `/api/event-types/${made.body.eventType.id}`,
      {
        token: admin.token,
        body: { name: 'Team party' },
      },
    );
    assert.equal(renamed.body.eventType.name, 'Team party');
    assert.equal(
      (await api(server, 'PATCH', '/api/event-types/99999', { token: admin.token, body: { name: 'x' } }))
        .status,
      404,
    );
    // A type in use cannot be deleted; an unused one can.
    const used = await create(manager.token, {
      title: 'Uses the type',
      start: iso(ahead(3)),
      end: iso(new Date(ahead(3).getTime() + HOUR)),
      typeId: made.body.eventType.id,
    });
    assert.equal(used.status, 201);
    assert.equal(
      (await api(server, 'DELETE', `/api/event-types/${made.body.eventType.id}`, { token: admin.token }))
        .status,
      409,
    );
    await api(server, 'DELETE', `/api/events/${used.body.event.id}`, { token: admin.token });
    assert.equal(
      (await api(server, 'DELETE', `/api/event-types/${made.body.eventType.id}`, { token: admin.token }))
        .status,
      204,
    );
  });

  it('refuses bad events with the field named, and members may not create them', async () => {
    const start = ahead(2);
    const end = new Date(start.getTime() + HOUR);
    const cases: Array<[string, Record<string, unknown>, number, string?]> = [
      ['no offset', { start: '2030-01-01T09:00:00', end: iso(end) }, 400],
      ['not a date', { start: '2030-02-31T09:00:00Z', end: iso(end) }, 400, 'start'],
      ['in the past', { start: iso(new Date(Date.now() - DAY)), end: iso(end) }, 400, 'start'],
      ['end before start', { start: iso(end), end: iso(start) }, 400, 'end'],
      ['unknown zone', { start: iso(start), end: iso(end), timeZone: 'Mars/Olympus' }, 400, 'timeZone'],
      [
        'until and count',
        { start: iso(start), end: iso(end), recurrence: { freq: 'daily', count: 2, until: iso(ahead(9)) } },
        400,
        'recurrence',
      ],
      [
        'until before start',
        { start: iso(start), end: iso(end), recurrence: { freq: 'daily', until: iso(ahead(1)) } },
        400,
        'recurrence.until',
      ],
      [
        'weekdays on a monthly series',
        { start: iso(start), end: iso(end), recurrence: { freq: 'monthly', byWeekday: ['MO'] } },
        400,
        'recurrence.byWeekday',
      ],
      ['bad frequency', { start: iso(start), end: iso(end), recurrence: { freq: 'hourly' } }, 400],
      ['unknown type', { start: iso(start), end: iso(end), typeId: 99999 }, 400, 'typeId'],
      [
        'unknown conversation',
        { start: iso(start), end: iso(end), audience: { groupId: 99999 } },
        400,
        'audience.groupId',
      ],
      [
        'unknown user group',
        { start: iso(start), end: iso(end), audience: { userGroupId: 99999 } },
        400,
        'audience.userGroupId',
      ],
      ['no title', { title: '   ', start: iso(start), end: iso(end) }, 400, 'title'],
    ];
    for (const [name, body, status, field] of cases) {
      const res = await create(manager.token, { title: 'Bad', ...body });
      assert.equal(res.status, status, name);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED', name);
      if (field) assert.equal(res.body.error.details?.field, field, name);
    }
    // A format error says what is expected, not the regex behind it.
    const noOffset = await create(manager.token, {
      title: 'Bad',
      start: '2030-01-01T09:00:00',
      end: iso(end),
    });
    assert.match(noOffset.body.error.message, /^start must be a date and time with its offset, e\.g\. /);
    const member = await create(alice.token, { title: 'Mine', start: iso(start), end: iso(end) });
    assert.equal(member.status, 403);
    // An all-day event today is not "in the past".
    const today = new Date();
    today.setUTCHours(0, 0, 0, 0);
    const allDay = await create(manager.token, {
      title: 'Today all day',
      start: iso(today),
      end: iso(new Date(today.getTime() + DAY)),
      allDay: true,
    });
    assert.equal(allDay.status, 201);
    await api(server, 'DELETE', `/api/events/${allDay.body.event.id}`, { token: manager.token });
  });

  it('lists only occurrences inside the range, never past ones unless asked, at most a year', async () => {
    const start = ahead(1, 18);
    const weekly = await create(manager.token, {
      title: 'Weekly practice',
      start: iso(start),
      end: iso(new Date(start.getTime() + 2 * HOUR)),
      recurrence: { freq: 'weekly' },
    });
    assert.equal(weekly.status, 201);
    const inRange = await list(alice.token, {
      from: iso(start),
      to: iso(new Date(start.getTime() + 21 * DAY)),
    });
    assert.equal(inRange.status, 200);
    const practice = inRange.body.occurrences.filter((o) => o.eventId === weekly.body.event.id);
    assert.deepEqual(
      practice.map((o) => o.start),
      [0, 7, 14].map((d) => iso(new Date(start.getTime() + d * DAY))),
    );
    assert.ok(practice.every((o) => o.recurring));
    // Moved into the past by an edit (edits may): the default listing (from now) leaves it out.
    const past = await create(manager.token, {
      title: 'Old news',
      start: iso(ahead(1, 7)),
      end: iso(ahead(1, 8)),
    });
    const moved = await api(server, 'PATCH', `/api/events/${past.body.event.id}`, {
      token: manager.token,
      body: { start: iso(new Date(Date.now() - 3 * DAY)), end: iso(new Date(Date.now() - 3 * DAY + HOUR)) },
    });
    assert.equal(moved.status, 200);
    assert.ok(!titles((await list(alice.token, {})).body.occurrences).includes('Old news'));
    const asked = await list(alice.token, { from: iso(new Date(Date.now() - 7 * DAY)), to: iso(new Date()) });
    assert.ok(titles(asked.body.occurrences).includes('Old news'));

    const tooLong = await list(alice.token, {
      from: iso(new Date()),
      to: iso(new Date(Date.now() + 400 * DAY)),
    });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error.details?.field, 'to');
    const backwards = await list(alice.token, { from: iso(ahead(5)), to: iso(ahead(4)) });
    assert.equal(backwards.status, 400);
    const noOffset = await list(alice.token, { from: '2030-01-01T00:00:00' });
    assert.equal(noOffset.status, 400);
  });

  it('filters by keyword (word starts; quoted: whole words) and by type', async () => {
    const at = ahead(40, 12);
    const make = (title: string, typeId = types[0]!.id, location = '') =>
      create(manager.token, {
        title,
        location,
        typeId,
        start: iso(at),
        end: iso(new Date(at.getTime() + HOUR)),
      });
    await make('Mountain hike', types[3]!.id);
    await make('Mount Everest talk');
    await make('Amount review');
    await make('Board meeting', types[0]!.id, 'Mount Pleasant hall');
    const range = { from: iso(new Date(at.getTime() - DAY)), to: iso(new Date(at.getTime() + DAY)) };
    const table: Array<[string, string[]]> = [
      ['mount', ['Board meeting', 'Mount Everest talk', 'Mountain hike']],
      ['"mount"', ['Board meeting', 'Mount Everest talk']],
      ['MOUNTAIN', ['Mountain hike']],
      ['ount', []],
      ['hike mount', ['Mountain hike']],
      ['"everest talk"', ['Mount Everest talk']],
      ['', ['Amount review', 'Board meeting', 'Mount Everest talk', 'Mountain hike']],
    ];
    for (const [q, expected] of table) {
      const res = await list(alice.token, { ...range, q });
      assert.equal(res.status, 200, q);
      assert.deepEqual(titles(res.body.occurrences).sort(), expected, `q=${q}`);
    }
    const social = await list(alice.token, { ...range, typeId: String(types[3]!.id) });
    assert.deepEqual(titles(social.body.occurrences), ['Mountain hike']);
  });

  it('shows an event only to its audience; others get not found; managers see all', async () => {
    const ug = await api<{ userGroup: UserGroup }>(server, 'POST', '/api/usergroups', {
      token: admin.token,
      body: { name: 'Strikers', memberIds: [alice.user.id] },
    });
    const privateGroup = await createPrivateGroup(server, bob.token, 'Bob only', []);
    const at = ahead(50, 15);
    const forStrikers = await create(manager.token, {
      title: 'Strikers drill',
      start: iso(at),
      end: iso(new Date(at.getTime() + HOUR)),
      audience: { userGroupId: ug.body.userGroup.id },
    });
    assert.equal(forStrikers.status, 201);
    // The manager is not in Bob's private group: it cannot be an audience of theirs.
    const notTheirs = await create(manager.token, {
      title: 'Sneaky',
      start: iso(at),
      end: iso(new Date(at.getTime() + HOUR)),
      audience: { groupId: privateGroup },
    });
    assert.equal(notTheirs.status, 400);
    const range = { from: iso(new Date(at.getTime() - HOUR)), to: iso(new Date(at.getTime() + 2 * HOUR)) };
    assert.deepEqual(titles((await list(alice.token, range)).body.occurrences), ['Strikers drill']);
    assert.deepEqual(titles((await list(bob.token, range)).body.occurrences), []);
    assert.deepEqual(titles((await list(admin.token, range)).body.occurrences), ['Strikers drill']);
    const id = forStrikers.body.event.id;
    assert.equal((await api(server, 'GET', `/api/events/${id}`, { token: bob.token })).status, 404);
    assert.equal(
      (
        await api(server, 'POST', `/api/events/${id}/rsvp`, {
          token: bob.token,
          body: { occurrenceStart: iso(at), status: 'going' },
        })
      ).status,
      404,
    );
    const seen = await api<EventDetail>(server, 'GET', `/api/events/${id}`, { token: alice.token });
    assert.equal(seen.status, 200);
    assert.equal(seen.body.event.canEdit, false);
    assert.deepEqual(seen.body.event.audience, { userGroupId: ug.body.userGroup.id });
  });

  it('schedule:changed reaches only the event’s audience (and the managers)', async () => {
    const ug = await api<{ userGroup: UserGroup }>(server, 'POST', '/api/usergroups', {
      token: admin.token,
      body: { name: 'Keepers', memberIds: [alice.user.id] },
    });
    const aliceSocket = await connectSocket(server, alice.token);
    const bobSocket = await connectSocket(server, bob.token);
    const managerSocket = await connectSocket(server, manager.token);
    const aliceHeard = recordEvents(aliceSocket);
    const bobHeard = recordEvents(bobSocket);
    const managerHeard = recordEvents(managerSocket);
    const changed = (heard: typeof aliceHeard, id: number) =>
      heard.some((e) => e.event === 'schedule:changed' && (e.data as { eventId: number }).eventId === id);
    try {
      const at = ahead(60, 10);
      const keepers = await create(admin.token, {
        title: 'Keepers only',
        start: iso(at),
        end: iso(new Date(at.getTime() + HOUR)),
        audience: { userGroupId: ug.body.userGroup.id },
      });
      // Then one for everyone: once Bob has it, he would have had the first one too.
      const everyone = await create(admin.token, {
        title: 'All hands',
        start: iso(at),
        end: iso(new Date(at.getTime() + HOUR)),
      });
      await waitFor('everyone hears the second', () =>
        [aliceHeard, bobHeard, managerHeard].every((h) => changed(h, everyone.body.event.id)),
      );
      assert.ok(changed(aliceHeard, keepers.body.event.id), 'the audience heard');
      assert.ok(changed(managerHeard, keepers.body.event.id), 'a manager heard');
      assert.ok(!changed(bobHeard, keepers.body.event.id), 'outside the audience: nothing');
      // Made a manager, Bob hears every change at once, on the connection he already has.
      await api(server, 'PATCH', `/api/users/${bob.user.id}`, {
        token: admin.token,
        body: { role: 'manager' },
      });
      const later = await create(admin.token, {
        title: 'Keepers again',
        start: iso(at),
        end: iso(new Date(at.getTime() + HOUR)),
        audience: { userGroupId: ug.body.userGroup.id },
      });
      await waitFor('the new manager hears it', () => changed(bobHeard, later.body.event.id));
      await api(server, 'PATCH', `/api/users/${bob.user.id}`, {
        token: admin.token,
        body: { role: 'member' },
      });
    } finally {
      aliceSocket.disconnect();
      bobSocket.disconnect();
      managerSocket.disconnect();
    }
  });

  it('RSVPs per occurrence: the last answer wins, counts stay right under concurrent answers', async () => {
    const start = ahead(70, 19);
    const series = await create(manager.token, {
      title: 'Match night',
      start: iso(start),
      end: iso(new Date(start.getTime() + 2 * HOUR)),
      recurrence: { freq: 'weekly', count: 4 },
    });
    const id = series.body.event.id;
    const second = iso(new Date(start.getTime() + 7 * DAY));
    const notAnOccurrence = await api<ErrorBody>(server, 'POST', `/api/events/${id}/rsvp`, {
      token: alice.token,
      body: { occurrenceStart: iso(new Date(start.getTime() + DAY)), status: 'going' },
    });
    assert.equal(notAnOccurrence.status, 400);
    const badStatus = await api(server, 'POST', `/api/events/${id}/rsvp`, {
      token: alice.token,
      body: { occurrenceStart: second, status: 'perhaps' },
    });
    assert.equal(badStatus.status, 400);

    const people = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createMember(server, admin.token, `Fan ${i}`)),
    );
    const statuses = ['going', 'maybe', 'not_going'] as const;
    // Everyone answers at once, and Alice changes her mind ten times concurrently.
    await Promise.all([
      ...people.map((p, i) =>
        api(server, 'POST', `/api/events/${id}/rsvp`, {
          token: p.token,
          body: { occurrenceStart: second, status: statuses[i % 3] },
        }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        api(server, 'POST', `/api/events/${id}/rsvp`, {
          token: alice.token,
          body: { occurrenceStart: second, status: statuses[i % 3] },
        }),
      ),
    ]);
    const detail = await api<EventDetail>(
      server,
      'GET',
      `/api/events/${id}?occurrenceStart=${encodeURIComponent(second)}`,
      {
        token: alice.token,
      },
    );
    const rsvp = detail.body.rsvp!;
    assert.equal(rsvp.people.length, 9, 'one answer per person');
    assert.equal(rsvp.people.filter((p) => p.userId === alice.user.id).length, 1);
    assert.equal(rsvp.going + rsvp.maybe + rsvp.notGoing, 9);
    assert.equal(rsvp.going, 3 + (rsvp.mine === 'going' ? 1 : 0));
    assert.ok(rsvp.people.some((p) => p.name === 'Fan 0' && p.status === 'going'));
    // Counts are per occurrence: the listing carries them, and the first occurrence has none.
    const occ = (
      await list(alice.token, { from: iso(start), to: iso(new Date(start.getTime() + 28 * DAY)) })
    ).body.occurrences.filter((o) => o.eventId === id);
    assert.equal(occ.length, 4);
    assert.deepEqual(occ[0]!.rsvp, { going: 0, maybe: 0, notGoing: 0, mine: null });
    assert.deepEqual(occ[1]!.rsvp, {
      going: rsvp.going,
      maybe: rsvp.maybe,
      notGoing: rsvp.notGoing,
      mine: rsvp.mine,
    });
    const set = await api<{ rsvp: RsvpDetail }>(server, 'POST', `/api/events/${id}/rsvp`, {
      token: bob.token,
      body: { occurrenceStart: second, status: 'maybe' },
    });
    assert.equal(set.body.rsvp.mine, 'maybe');
  });

  it('edits one occurrence, this-and-following, or the series; answers follow their occurrence', async () => {
    const start = ahead(80, 17);
    const series = await create(manager.token, {
      title: 'Training',
      start: iso(start),
      end: iso(new Date(start.getTime() + HOUR)),
      recurrence: { freq: 'daily', count: 6 },
    });
    const id = series.body.event.id;
    const day = (n: number, hour = 0) => iso(new Date(start.getTime() + n * DAY + hour * HOUR));
    const range = { from: day(-1), to: day(10) };
    const mine = async () =>
      (await list(alice.token, range)).body.occurrences.filter((o) =>
        ['Training', 'Training (moved)', 'Training v2'].includes(o.title),
      );
    await api(server, 'POST', `/api/events/${id}/rsvp`, {
      token: alice.token,
      body: { occurrenceStart: day(1), status: 'going' },
    });
    await api(server, 'POST', `/api/events/${id}/rsvp`, {
      token: alice.token,
      body: { occurrenceStart: day(4), status: 'maybe' },
    });

    // A recurring event's edit names an existing occurrence.
    const wrong = await api<ErrorBody>(server, 'PATCH', `/api/events/${id}`, {
      token: manager.token,
      body: { scope: 'occurrence', occurrenceStart: day(1, 1), title: 'x' },
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.details?.field, 'occurrenceStart');

    // This occurrence: day 1 moves an hour later and is renamed; its answer moves with it.
    const detached = await api<{ event: ScheduleEvent }>(server, 'PATCH', `/api/events/${id}`, {
      token: manager.token,
      body: {
        scope: 'occurrence',
        occurrenceStart: day(1),
        title: 'Training (moved)',
        start: day(1, 1),
        end: day(1, 2),
      },
    });
    assert.equal(detached.status, 200);
    assert.equal(detached.body.event.recurrence, null);
    let occ = await mine();
    assert.deepEqual(
      occ.map((o) => [o.title, o.start]),
      [
        ['Training', day(0)],
        ['Training (moved)', day(1, 1)],
        ['Training', day(2)],
        ['Training', day(3)],
        ['Training', day(4)],
        ['Training', day(5)],
      ],
    );
    assert.equal(occ[1]!.rsvp.mine, 'going');

    // This and following from day 3: the series keeps 3 occurrences (count), the rest is renamed.
    const split = await api<{ event: ScheduleEvent }>(server, 'PATCH', `/api/events/${id}`, {
      token: manager.token,
      body: { scope: 'following', occurrenceStart: day(3), title: 'Training v2' },
    });
    assert.equal(split.status, 200);
    assert.equal(split.body.event.recurrence?.count, 3);
    occ = await mine();
    assert.deepEqual(
      occ.map((o) => o.title),
      ['Training', 'Training (moved)', 'Training', 'Training v2', 'Training v2', 'Training v2'],
    );
    assert.equal(occ[4]!.rsvp.mine, 'maybe', 'the answer moved to the new series');
    const original = await api<EventDetail>(server, 'GET', `/api/events/${id}`, { token: manager.token });
    assert.equal(original.body.event.recurrence?.count, 3);

    // Delete one occurrence of the new series, then its following ones.
    const v2 = split.body.event.id;
    assert.equal(
      (
        await api(
          server,
          'DELETE',
          `/api/events/${v2}?scope=occurrence&occurrenceStart=${encodeURIComponent(day(4))}`,
          { token: manager.token },
        )
      ).status,
      204,
    );
    occ = await mine();
    assert.deepEqual(
      occ.map((o) => o.start),
      [day(0), day(1, 1), day(2), day(3), day(5)],
    );
    assert.equal(
      (
        await api(
          server,
          'DELETE',
          `/api/events/${v2}?scope=following&occurrenceStart=${encodeURIComponent(day(5))}`,
          { token: manager.token },
        )
      ).status,
      204,
    );
    assert.equal((await mine()).length, 4);
    // The whole series, moved an hour later: every occurrence moves, its exceptions with it.
    const moved = await api(server, 'PATCH', `/api/events/${id}`, {
      token: manager.token,
      body: {
        scope: 'series',
        start: iso(new Date(start.getTime() + HOUR)),
        end: iso(new Date(start.getTime() + 2 * HOUR)),
      },
    });
    assert.equal(moved.status, 200);
    occ = await mine();
    assert.deepEqual(
      occ.filter((o) => o.title === 'Training').map((o) => o.start),
      [day(0, 1), day(2, 1)],
      'day 1 stays skipped in the series after the move',
    );
    assert.equal((await api(server, 'DELETE', `/api/events/${id}`, { token: alice.token })).status, 403);
    assert.equal(
      (await api(server, 'DELETE', `/api/events/${id}?scope=sometimes`, { token: manager.token })).status,
      400,
    );
  });

  it('is refused with FEATURE_DISABLED outside the Team plan', async () => {
    await server.pool.query(
      `INSERT INTO public.settings (key, value) VALUES ('plan', '"chat"') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    );
    try {
      for (const [method, path] of [
        ['GET', '/api/events'],
        ['GET', '/api/event-types'],
        ['POST', '/api/calendar/token'],
        ['GET', '/api/calendar.ics?token=whatever'],
      ] as const) {
        const res = await api<ErrorBody>(server, method, path, { token: alice.token });
        assert.equal(res.status, 403, path);
        assert.equal(res.body.error.code, 'FEATURE_DISABLED', path);
      }
    } finally {
      await server.pool.query(`DELETE FROM public.settings WHERE key = 'plan'`);
    }
  });
});
