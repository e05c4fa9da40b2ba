import {
  type CreateEventBody,
  isKnownTimeZone,
  type Recurrence,
  SCHEDULE_LIMITS,
  type ScheduleEvent,
  WEEKDAYS,
} from '@rosterchirp/protocol';
import type { EventRow, EventWrite, StoredRecurrence } from '@rosterchirp/store';
import { DateTime } from 'luxon';
import { invalid } from '../app-error.ts';
import { type SeriesTiming, seriesEnd } from './recurrence.ts';

/** An instant from the API (the schema already checked its shape; this checks the calendar). */
export function parseInstant(field: string, value: string): Date {
  // Luxon, unlike Date, refuses 31 February rather than rolling it into March.
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) throw invalid(field, `${field} is not a real date and time`);
  return parsed.toJSDate();
}

/** What recurrence computes with, from a stored row or one about to be stored. */
export function timingOf(
  event: Pick<EventWrite, 'start' | 'end' | 'timeZone' | 'allDay' | 'recurrence' | 'exceptions'>,
): SeriesTiming {
  const r = event.recurrence;
  return {
    start: event.start,
    end: event.end,
    timeZone: event.timeZone,
    allDay: event.allDay,
    exceptions: event.exceptions,
    repeat: r
      ? {
          freq: r.freq,
          interval: r.interval,
          byWeekday: r.byWeekday,
          until: r.until ? new Date(r.until) : null,
          count: r.count,
        }
      : null,
  };
}

/** Local midnight of the day an instant falls on, in the zone. */
const startOfLocalDay = (instant: Date, timeZone: string) =>
  DateTime.fromJSDate(instant, { zone: timeZone }).startOf('day');

/** All-day events cover whole local days: start at a midnight, end at a later one. */
function wholeDays(start: Date, end: Date, timeZone: string): { start: Date; end: Date } {
  const first = startOfLocalDay(start, timeZone);
  let last = startOfLocalDay(end, timeZone);
  if (last.toMillis() < end.getTime()) last = last.plus({ days: 1 });
  if (last <= first) last = first.plus({ days: 1 });
  return { start: first.toJSDate(), end: last.toJSDate() };
}

function storedRecurrence(recurrence: Recurrence, start: Date, timeZone: string): StoredRecurrence {
  if (recurrence.until && recurrence.count) {
    throw invalid(
      'recurrence',
      'A series ends either on a date (until) or after a number of times (count), not both',
    );
  }
  const until = recurrence.until ? parseInstant('recurrence.until', recurrence.until) : null;
  if (until && until < start) throw invalid('recurrence.until', 'The series cannot end before it starts');
  if (recurrence.byWeekday && recurrence.freq !== 'weekly') {
    throw invalid('recurrence.byWeekday', 'Weekdays can only be chosen for a weekly series');
  }
  // RFC 5545 counts the start as the first occurrence; a start off the chosen weekdays would be
  // an occurrence in calendars that subscribe but not in the schedule. Refuse it.
  const startDay = WEEKDAYS[DateTime.fromJSDate(start, { zone: timeZone }).weekday - 1]!;
  if (recurrence.byWeekday && !recurrence.byWeekday.includes(startDay)) {
    throw invalid('recurrence.byWeekday', `The first day (${startDay}) must be one of the chosen weekdays`);
  }
  return {
    freq: recurrence.freq,
    interval: recurrence.interval ?? 1,
    byWeekday: recurrence.byWeekday ?? [],
    until: until ? until.toISOString() : null,
    count: recurrence.count ?? null,
  };
}

export type EventInput = Omit<CreateEventBody, 'timeZone'> & { timeZone: string };

/**
 * A validated row from API fields: a known time zone, an end after the start, whole days for
 * all-day events, a consistent recurrence, and the series' last end for range queries.
 */
export function eventWriteFrom(input: EventInput, createdBy: number | null): EventWrite {
  const title = input.title.trim();
  if (!title) throw invalid('title', 'An event needs a title');
  if (!isKnownTimeZone(input.timeZone)) throw invalid('timeZone', `Unknown time zone ${input.timeZone}`);
  const allDay = input.allDay ?? false;
  let start = parseInstant('start', input.start);
  let end = parseInstant('end', input.end);
  if (allDay) ({ start, end } = wholeDays(start, end, input.timeZone));
  if (end <= start) throw invalid('end', 'An event must end after it starts');
  const recurrence = input.recurrence ? storedRecurrence(input.recurrence, start, input.timeZone) : null;
  const exceptions = recurrence
    ? (input.recurrence?.exceptions ?? []).map((e, i) => parseInstant(`recurrence.exceptions.${i}`, e))
    : [];
  const audience = input.audience ?? null;
  const row: EventWrite = {
    title,
    description: (input.description ?? '').trim(),
    location: (input.location ?? '').trim(),
    start,
    end,
    allDay,
    timeZone: input.timeZone,
    typeId: input.typeId,
    audienceGroupId: audience && 'groupId' in audience ? audience.groupId : null,
    audienceUserGroupId: audience && 'userGroupId' in audience ? audience.userGroupId : null,
    recurrence,
    exceptions,
    seriesEnd: null,
    reminderMinutes: input.reminderMinutes ?? null,
    createdBy,
  };
  return withSeriesEnd(row);
}

/** The row with its series' last end recomputed (after any change of timing). */
export function withSeriesEnd(row: EventWrite): EventWrite {
  return { ...row, seriesEnd: seriesEnd(timingOf(row)) };
}

const audienceOf = (row: EventRow | EventWrite): ScheduleEvent['audience'] =>
  row.audienceGroupId !== null
    ? { groupId: row.audienceGroupId }
    : row.audienceUserGroupId !== null
      ? { userGroupId: row.audienceUserGroupId }
      : null;

const recurrenceOf = (row: EventRow | EventWrite): ScheduleEvent['recurrence'] =>
  row.recurrence && { ...row.recurrence, exceptions: row.exceptions.map((d) => d.toISOString()) };

/** A stored row back as API input (what an edit starts from). */
export function inputOf(row: EventRow | EventWrite): EventInput {
  const r = row.recurrence;
  return {
    title: row.title,
    description: row.description,
    location: row.location,
    start: row.start.toISOString(),
    end: row.end.toISOString(),
    timeZone: row.timeZone,
    allDay: row.allDay,
    typeId: row.typeId,
    audience: audienceOf(row),
    recurrence: r
      ? {
          freq: r.freq,
          interval: r.interval,
          // An input names weekdays only when there are some (a weekly series).
          ...(r.byWeekday.length ? { byWeekday: r.byWeekday } : {}),
          until: r.until,
          count: r.count,
          exceptions: row.exceptions.map((d) => d.toISOString()),
        }
      : null,
    reminderMinutes: row.reminderMinutes,
  };
}

/** A new event may not start in the past (an all-day one: not before today, in its zone). */
export function assertNotInPast(row: EventWrite, now: Date): void {
  const earliest = row.allDay
    ? startOfLocalDay(now, row.timeZone).toJSDate()
    : new Date(now.getTime() - 60_000);
  if (row.start < earliest) throw invalid('start', 'A new event cannot start in the past');
}

export function toApiEvent(row: EventRow, canEdit: boolean): ScheduleEvent {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    location: row.location,
    start: row.start.toISOString(),
    end: row.end.toISOString(),
    timeZone: row.timeZone,
    allDay: row.allDay,
    typeId: row.typeId,
    audience: audienceOf(row),
    recurrence: recurrenceOf(row),
    reminderMinutes: row.reminderMinutes,
    createdBy: row.createdBy,
    canEdit,
  };
}

export const RANGE_MAX_MS = SCHEDULE_LIMITS.rangeMaxDays * 86_400_000;
