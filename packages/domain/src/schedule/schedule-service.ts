import type { TenantDb } from '@rosterchirp/db';
import {
  type CreateEventBody,
  type EditScope,
  type EventBus,
  type EventDetail,
  type EventType,
  keywordMatcher,
  type Occurrence,
  type PatchEventBody,
  type RsvpDetail,
  type RsvpStatus,
  rooms,
  type ScheduleEvent,
  type User,
  withDefaultPreferences,
} from '@rosterchirp/protocol';
import {
  type EventRow,
  EventTypeInUse,
  EventTypeNameTaken,
  type EventWrite,
  type ScheduleViewer,
  type Stores,
} from '@rosterchirp/store';
import { AppError, forbidden, invalid, notFound } from '../app-error.ts';
import { groupRoom } from '../group-access.ts';
import type { SettingsService } from '../settings-service.ts';
import {
  assertNotInPast,
  eventWriteFrom,
  parseInstant,
  RANGE_MAX_MS,
  timingOf,
  toApiEvent,
} from './event-input.ts';
import { occurrenceAt, occurrencesBetween } from './recurrence.ts';
import { planDelete, planEdit } from './scope-edits.ts';

export interface ScheduleServiceDeps {
  stores: Pick<Stores, 'schedule' | 'groups' | 'userGroups' | 'users' | 'transactions'>;
  settings: SettingsService;
  bus: EventBus;
  /** Called with every event row written, so its next reminder is queued. */
  onEventWritten: (db: TenantDb, event: EventRow) => Promise<void>;
  now?: () => Date;
}

const DEFAULT_RANGE_MS = 31 * 86_400_000;
/** Occurrences in time order (ISO strings of one format compare as their instants), then by title. */
const byStart = (a: Occurrence, b: Occurrence) =>
  a.start < b.start
    ? -1
    : a.start > b.start
      ? 1
      : a.title < b.title
        ? -1
        : a.title > b.title
          ? 1
          : a.eventId - b.eventId;
const managesSchedule = (user: User) => user.role === 'admin' || user.role === 'manager';
const viewerOf = (user: User): ScheduleViewer => ({ userId: user.id, seesAll: managesSchedule(user) });

/**
 * The schedule (Team plan): event types, events with recurrence, listing by range with the
 * keyword and type filters, RSVPs per occurrence. Admins and managers manage events and types;
 * everyone sees the events of their audiences and answers for themselves. Every change is
 * announced (`schedule:changed`) to the event's audience and to the schedule's managers.
 */
export function createScheduleService(deps: ScheduleServiceDeps) {
  const { schedule } = deps.stores;
  const now = () => deps.now?.() ?? new Date();

  const feature = (db: TenantDb) => deps.settings.requireFeature(db, 'feature_schedule_manager');
  async function managerGuard(db: TenantDb, user: User) {
    await feature(db);
    if (!managesSchedule(user)) throw forbidden('Only admins and managers manage the schedule');
  }

  /** The event if the user may see it; not found otherwise (ids reveal nothing). */
  async function visibleEvent(db: TenantDb, user: User, id: number): Promise<EventRow> {
    const event = await schedule.visibleEvent(db, id, viewerOf(user));
    if (!event) throw notFound('Event');
    return event;
  }

  async function checkReferences(db: TenantDb, user: User, row: EventWrite) {
    const types = await schedule.eventTypes(db);
    if (!types.some((t) => t.id === row.typeId)) throw invalid('typeId', 'Unknown event type');
    if (row.audienceGroupId !== null) {
      const access = await deps.stores.groups.access(db, row.audienceGroupId, user.id);
      if (!access || (access.type !== 'public' && !access.isMember)) {
        throw invalid('audience.groupId', 'Unknown conversation');
      }
    }
    if (row.audienceUserGroupId !== null) {
      const known = await deps.stores.userGroups.existingIds(db, [row.audienceUserGroupId]);
      if (known.length === 0) throw invalid('audience.userGroupId', 'Unknown user group');
    }
  }

  /** `schedule:changed` to whoever sees the event: its audience, and the admins and managers. */
  async function announce(
    db: TenantDb,
    events: Array<Pick<EventRow, 'id' | 'audienceGroupId' | 'audienceUserGroupId'>>,
  ) {
    for (const event of events) {
      const targets = [rooms.staff(db.schema)];
      if (event.audienceGroupId === null && event.audienceUserGroupId === null) {
        targets.push(rooms.tenant(db.schema));
      } else if (event.audienceGroupId !== null) {
        const group = await deps.stores.groups.access(db, event.audienceGroupId, 0);
        if (group) targets.push(groupRoom(db.schema, group));
      } else {
        for (const id of await schedule.audienceUserIds(db, event)) targets.push(rooms.user(db.schema, id));
      }
      deps.bus.emit(targets, 'schedule:changed', { eventId: event.id });
    }
  }

  async function defaultTimeZone(db: TenantDb, user: User): Promise<string> {
    const prefs = withDefaultPreferences(await deps.stores.users.preferences(db, user.id));
    return prefs.quietHours?.timeZone ?? 'UTC';
  }

  async function rsvpDetail(
    db: TenantDb,
    eventId: number,
    occurrenceStart: Date,
    userId: number,
  ): Promise<RsvpDetail> {
    const people = await schedule.rsvpPeople(db, eventId, occurrenceStart);
    const count = (s: RsvpStatus) => people.filter((p) => p.status === s).length;
    return {
      going: count('going'),
      maybe: count('maybe'),
      notGoing: count('not_going'),
      mine: people.find((p) => p.userId === userId)?.status ?? null,
      people,
    };
  }

  const typeConflict = (err: unknown): never => {
    if (err instanceof EventTypeNameTaken) {
      throw new AppError('CONFLICT', 'An event type with this name already exists', { field: 'name' });
    }
    if (err instanceof EventTypeInUse) {
      throw new AppError('CONFLICT', 'Events still use this type: give them another type first');
    }
    throw err;
  };

  async function written(db: TenantDb, rows: EventRow[], before: EventRow[] = []) {
    for (const row of rows) await deps.onEventWritten(db, row);
    await announce(db, [...before, ...rows]);
  }

  return {
    async eventTypes(db: TenantDb): Promise<EventType[]> {
      await feature(db);
      return schedule.eventTypes(db);
    },

    async createEventType(
      db: TenantDb,
      user: User,
      body: { name: string; color: string },
    ): Promise<EventType> {
      await managerGuard(db, user);
      const name = body.name.trim();
      if (!name) throw invalid('name', 'An event type needs a name');
      return schedule.createEventType(db, { name, color: body.color.toLowerCase() }).catch(typeConflict);
    },

    async updateEventType(db: TenantDb, user: User, id: number, body: { name?: string; color?: string }) {
      await managerGuard(db, user);
      const name = body.name?.trim();
      if (body.name !== undefined && !name) throw invalid('name', 'An event type needs a name');
      const updated = await schedule
        .updateEventType(db, id, {
          ...(name ? { name } : {}),
          ...(body.color ? { color: body.color.toLowerCase() } : {}),
        })
        .catch(typeConflict);
      if (!updated) throw notFound('Event type');
      return updated;
    },

    async removeEventType(db: TenantDb, user: User, id: number): Promise<void> {
      await managerGuard(db, user);
      if (!(await schedule.removeEventType(db, id).catch(typeConflict))) throw notFound('Event type');
    },

    /**
     * Occurrences overlapping [from, to) (default: from now, 31 days), expanded from the series
     * the user sees; at most a year. `q` is the keyword filter (title, location, description).
     */
    async list(
      db: TenantDb,
      user: User,
      query: { from?: string; to?: string; q?: string; typeId?: number },
    ): Promise<Occurrence[]> {
      await feature(db);
      const from = query.from ? parseInstant('from', query.from) : now();
      const to = query.to ? parseInstant('to', query.to) : new Date(from.getTime() + DEFAULT_RANGE_MS);
      if (to <= from) throw invalid('to', 'The range must end after it starts');
      if (to.getTime() - from.getTime() > RANGE_MAX_MS)
        throw invalid('to', 'A range can be at most one year long');
      const matches = keywordMatcher(query.q ?? '');
      const series = (
        await schedule.eventsOverlapping(db, viewerOf(user), { from, to, typeId: query.typeId })
      ).filter((e) => matches(`${e.title}\n${e.location}\n${e.description}`));
      const spans = series.flatMap((event) =>
        occurrencesBetween(timingOf(event), from, to).map((span) => ({ event, span })),
      );
      const counts = await schedule.rsvpCounts(
        db,
        [...new Set(spans.map((s) => s.event.id))],
        // From the earliest occurrence listed (it may have begun before `from`).
        new Date(Math.min(from.getTime(), ...spans.map((s) => s.span.start.getTime()))),
        to,
        user.id,
      );
      const byOccurrence = new Map(counts.map((c) => [`${c.eventId}@${c.occurrenceStart.getTime()}`, c]));
      return spans
        .map(({ event, span }): Occurrence => {
          const c = byOccurrence.get(`${event.id}@${span.start.getTime()}`);
          return {
            eventId: event.id,
            start: span.start.toISOString(),
            end: span.end.toISOString(),
            allDay: event.allDay,
            title: event.title,
            location: event.location,
            typeId: event.typeId,
            recurring: event.recurrence !== null,
            rsvp: {
              going: c?.going ?? 0,
              maybe: c?.maybe ?? 0,
              notGoing: c?.notGoing ?? 0,
              mine: c?.mine ?? null,
            },
          };
        })
        .sort(byStart);
    },

    /** One event; with `occurrenceStart` (or for a one-off) also that occurrence and its answers. */
    async get(db: TenantDb, user: User, id: number, occurrenceStart?: string): Promise<EventDetail> {
      await feature(db);
      const event = await visibleEvent(db, user, id);
      const at = occurrenceStart
        ? parseInstant('occurrenceStart', occurrenceStart)
        : event.recurrence
          ? null
          : event.start;
      const span = at ? occurrenceAt(timingOf(event), at) : null;
      if (at && !span) throw invalid('occurrenceStart', 'The event has no occurrence at that time');
      return {
        event: toApiEvent(event, managesSchedule(user)),
        occurrence: span ? { start: span.start.toISOString(), end: span.end.toISOString() } : null,
        rsvp: span ? await rsvpDetail(db, event.id, span.start, user.id) : null,
      };
    },

    async create(db: TenantDb, user: User, body: CreateEventBody): Promise<ScheduleEvent> {
      await managerGuard(db, user);
      const row = eventWriteFrom(
        { ...body, timeZone: body.timeZone ?? (await defaultTimeZone(db, user)) },
        user.id,
      );
      assertNotInPast(row, now());
      await checkReferences(db, user, row);
      const created = await schedule.insertEvent(db, row);
      await written(db, [created]);
      return toApiEvent(created, true);
    },

    /** Edits; a recurring event's `scope` says which occurrences (default: the series). */
    async update(db: TenantDb, user: User, id: number, body: PatchEventBody): Promise<ScheduleEvent> {
      await managerGuard(db, user);
      const existing = await visibleEvent(db, user, id);
      const { scope, occurrenceStart, ...change } = body;
      const at = occurrenceStart ? parseInstant('occurrenceStart', occurrenceStart) : undefined;
      const plan = planEdit(existing, change, scope, at);
      const { transactions } = deps.stores;
      if (plan.kind === 'replace') {
        await checkReferences(db, user, plan.row);
        const updated = await transactions.run(db, async (tx) => {
          const row = await schedule.updateEvent(tx, id, plan.row);
          if (row && plan.shiftMs !== 0)
            await schedule.moveRsvps(tx, id, id, { since: new Date(0) }, plan.shiftMs);
          return row;
        });
        if (!updated) throw notFound('Event');
        await written(db, [updated], [existing]);
        return toApiEvent(updated, true);
      }
      const other = plan.kind === 'detach' ? plan.detached : plan.rest;
      await checkReferences(db, user, other);
      const [series, created] = await transactions.run(db, async (tx) => {
        const seriesRow = await schedule.updateEvent(tx, id, plan.series);
        const createdRow = await schedule.insertEvent(tx, other);
        await schedule.moveRsvps(
          tx,
          id,
          createdRow.id,
          plan.kind === 'detach'
            ? { since: plan.occurrenceStart, until: new Date(plan.occurrenceStart.getTime() + 1) }
            : { since: plan.occurrenceStart },
          plan.shiftMs,
        );
        return [seriesRow, createdRow] as const;
      });
      if (!series) throw notFound('Event');
      await written(db, [series, created], [existing]);
      return toApiEvent(created, true);
    },

    async remove(
      db: TenantDb,
      user: User,
      id: number,
      scope?: EditScope,
      occurrenceStart?: string,
    ): Promise<void> {
      await managerGuard(db, user);
      const existing = await visibleEvent(db, user, id);
      const at = occurrenceStart ? parseInstant('occurrenceStart', occurrenceStart) : undefined;
      const remaining = planDelete(existing, scope, at);
      if (remaining === null) {
        await schedule.removeEvent(db, id);
        await announce(db, [existing]);
        return;
      }
      const updated = await schedule.updateEvent(db, id, remaining);
      if (!updated) throw notFound('Event');
      await written(db, [updated]);
    },

    /** The user's answer for one occurrence (the last answer wins); everyone's answers back. */
    async rsvp(
      db: TenantDb,
      user: User,
      id: number,
      occurrenceStart: string,
      status: RsvpStatus,
    ): Promise<RsvpDetail> {
      await feature(db);
      const event = await visibleEvent(db, user, id);
      const span = occurrenceAt(timingOf(event), parseInstant('occurrenceStart', occurrenceStart));
      if (!span) throw invalid('occurrenceStart', 'The event has no occurrence at that time');
      await schedule.setRsvp(db, id, span.start, user.id, status);
      await announce(db, [event]);
      return rsvpDetail(db, id, span.start, user.id);
    },

    viewerOf,
    feature,
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
