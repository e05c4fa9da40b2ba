import { createHash, randomBytes } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';
import type { Stores } from '@rosterchirp/store';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalEventRepeatingFreq, ICalWeekday } from 'ical-generator';
import { DateTime } from 'luxon';
import { AppError } from '../app-error.ts';

const FREQ = {
  daily: ICalEventRepeatingFreq.DAILY,
  weekly: ICalEventRepeatingFreq.WEEKLY,
  monthly: ICalEventRepeatingFreq.MONTHLY,
  yearly: ICalEventRepeatingFreq.YEARLY,
};
const DAY = {
  MO: ICalWeekday.MO,
  TU: ICalWeekday.TU,
  WE: ICalWeekday.WE,
  TH: ICalWeekday.TH,
  FR: ICalWeekday.FR,
  SA: ICalWeekday.SA,
  SU: ICalWeekday.SU,
};

/** Past events stay in a subscribed calendar this long. */
const FEED_HISTORY_DAYS = 365;

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Each person's secret iCalendar feed of the events they see, for Google, Apple or Outlook
 * calendars to subscribe to: recurring series as RRULE with EXDATE exceptions in the event's
 * time zone (its VTIMEZONE included), all-day events as dates. Only a token's hash is stored;
 * a new token replaces the old one, and revoking stops the feed at once.
 */
export function createCalendarFeed(deps: {
  stores: Pick<Stores, 'schedule'>;
  /** Calendar name shown by the subscriber (the workspace's name). */
  calendarName: (db: TenantDb) => Promise<string>;
  now?: () => Date;
}) {
  const { schedule } = deps.stores;
  return {
    async issueToken(db: TenantDb, userId: number): Promise<string> {
      const token = randomBytes(24).toString('base64url');
      await schedule.setCalendarToken(db, userId, hashOf(token));
      return token;
    },

    revoke: (db: TenantDb, userId: number) => schedule.revokeCalendarToken(db, userId),
    createdAt: (db: TenantDb, userId: number) => schedule.calendarTokenCreatedAt(db, userId),

    /** The feed of the token's owner; an unknown or revoked token is not found. */
    async feed(db: TenantDb, token: string, host: string): Promise<string> {
      const owner = await schedule.userByCalendarToken(db, hashOf(token));
      if (!owner)
        throw new AppError('NOT_FOUND', 'Calendar feed not found (the link was turned off or replaced)');
      const since = new Date((deps.now?.() ?? new Date()).getTime() - FEED_HISTORY_DAYS * 86_400_000);
      const viewer = { userId: owner.id, seesAll: owner.role === 'admin' || owner.role === 'manager' };
      const events = await schedule.eventsSince(db, viewer, since);
      const calendar = ical({
        name: await deps.calendarName(db),
        prodId: { company: 'RosterChirp', product: 'Schedule', language: 'EN' },
        timezone: { name: null, generator: getVtimezoneComponent },
        ttl: 15 * 60,
      });
      for (const event of events) {
        const r = event.recurrence;
        // Zoned values: the generator writes each time as the event's zone shows it (TZID).
        const local = (d: Date) => DateTime.fromJSDate(d, { zone: event.timeZone });
        calendar.createEvent({
          id: `event-${event.id}@${host}`,
          start: local(event.start),
          end: local(event.end),
          timezone: event.timeZone,
          allDay: event.allDay,
          summary: event.title,
          ...(event.description ? { description: event.description } : {}),
          ...(event.location ? { location: event.location } : {}),
          lastModified: event.updatedAt,
          repeating: r
            ? {
                freq: FREQ[r.freq],
                ...(r.interval > 1 ? { interval: r.interval } : {}),
                ...(r.freq === 'weekly' && r.byWeekday.length
                  ? { byDay: r.byWeekday.map((d) => DAY[d]) }
                  : {}),
                ...(r.until ? { until: local(new Date(r.until)) } : {}),
                ...(r.count ? { count: r.count } : {}),
                ...(event.exceptions.length ? { exclude: event.exceptions.map(local) } : {}),
              }
            : null,
        });
      }
      return calendar.toString();
    },
  };
}

export type CalendarFeed = ReturnType<typeof createCalendarFeed>;
