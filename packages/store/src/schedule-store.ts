import type { TenantDb } from '@rosterchirp/db';
import type { EventType, Frequency, RsvpStatus, Weekday } from '@rosterchirp/protocol';

/** Why a write was refused: another event type has the name. */
export class EventTypeNameTaken extends Error {
  constructor() {
    super('event type name taken');
    this.name = 'EventTypeNameTaken';
  }
}

/** Why a delete was refused: events still use the type. */
export class EventTypeInUse extends Error {
  constructor() {
    super('event type in use');
    this.name = 'EventTypeInUse';
  }
}

/** A stored recurrence (the series' rule; exceptions are kept beside it). */
export interface StoredRecurrence {
  freq: Frequency;
  interval: number;
  byWeekday: Weekday[];
  until: string | null;
  count: number | null;
}

/** One event row: a one-off event or a recurring series. */
export interface EventRow {
  id: number;
  title: string;
  description: string;
  location: string;
  start: Date;
  end: Date;
  allDay: boolean;
  timeZone: string;
  typeId: number;
  audienceGroupId: number | null;
  audienceUserGroupId: number | null;
  recurrence: StoredRecurrence | null;
  exceptions: Date[];
  seriesEnd: Date | null;
  reminderMinutes: number | null;
  createdBy: number | null;
  updatedAt: Date;
}

export type EventWrite = Omit<EventRow, 'id' | 'updatedAt'>;

/** Who reads the schedule: admins and managers see every event, others their audiences'. */
export interface ScheduleViewer {
  userId: number;
  seesAll: boolean;
}

export interface RsvpCount {
  eventId: number;
  occurrenceStart: Date;
  going: number;
  maybe: number;
  notGoing: number;
  mine: RsvpStatus | null;
}

/** A push device to remind, with what decides whether its owner hears it now. */
export interface ReminderDevice {
  id: number;
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  preferences: Record<string, unknown>;
}

/** Event types, events, RSVPs, calendar-feed tokens and reminder deliveries of a tenant. */
export interface ScheduleStore {
  eventTypes(db: TenantDb): Promise<EventType[]>;
  /** Throws EventTypeNameTaken. */
  createEventType(db: TenantDb, type: { name: string; color: string }): Promise<EventType>;
  /** Null when there is no such type; throws EventTypeNameTaken. */
  updateEventType(
    db: TenantDb,
    id: number,
    change: { name?: string; color?: string },
  ): Promise<EventType | null>;
  /** False when there is no such type; throws EventTypeInUse. */
  removeEventType(db: TenantDb, id: number): Promise<boolean>;

  insertEvent(db: TenantDb, event: EventWrite): Promise<EventRow>;
  /** Null when there is no such event. */
  updateEvent(db: TenantDb, id: number, event: EventWrite): Promise<EventRow | null>;
  removeEvent(db: TenantDb, id: number): Promise<boolean>;
  event(db: TenantDb, id: number): Promise<EventRow | null>;
  /** The event if the viewer is in its audience (or sees all); null otherwise. */
  visibleEvent(db: TenantDb, id: number, viewer: ScheduleViewer): Promise<EventRow | null>;
  /**
   * The series the viewer sees that can have an occurrence overlapping [from, to): started
   * before `to`, not ended by `from`; of one type when asked.
   */
  eventsOverlapping(
    db: TenantDb,
    viewer: ScheduleViewer,
    range: { from: Date; to: Date; typeId?: number | undefined },
  ): Promise<EventRow[]>;
  /** Every series the viewer sees that has not ended by `since` (the calendar feed). */
  eventsSince(db: TenantDb, viewer: ScheduleViewer, since: Date): Promise<EventRow[]>;

  /** RSVP counts (and the viewer's own answer) per occurrence of these events in [from, to). */
  rsvpCounts(db: TenantDb, eventIds: number[], from: Date, to: Date, userId: number): Promise<RsvpCount[]>;
  /** Everyone's answer for one occurrence, by name. */
  rsvpPeople(
    db: TenantDb,
    eventId: number,
    occurrenceStart: Date,
  ): Promise<Array<{ userId: number; name: string; status: RsvpStatus }>>;
  /** Sets the user's answer (the last one wins). */
  setRsvp(
    db: TenantDb,
    eventId: number,
    occurrenceStart: Date,
    userId: number,
    status: RsvpStatus,
  ): Promise<void>;
  /**
   * Moves answers of occurrences starting at or after `since` to another event (a split or a
   * detached occurrence), shifting their starts by `shiftMs`; `until` bounds them (exclusive).
   */
  moveRsvps(
    db: TenantDb,
    fromEventId: number,
    toEventId: number,
    range: { since: Date; until?: Date },
    shiftMs: number,
  ): Promise<void>;
  /** Users of the audience (active accounts): everyone, a conversation's, or a user group's. */
  audienceUserIds(
    db: TenantDb,
    event: Pick<EventRow, 'audienceGroupId' | 'audienceUserGroupId'>,
  ): Promise<number[]>;
  /**
   * The push devices of the event's audience for one occurrence (not of those who answered
   * "not going"), each with its owner's preferences (for quiet hours), in one query.
   */
  reminderDevices(
    db: TenantDb,
    event: Pick<EventRow, 'id' | 'audienceGroupId' | 'audienceUserGroupId'>,
    occurrenceStart: Date,
  ): Promise<ReminderDevice[]>;

  /** Replaces the user's feed token (only its hash is kept). */
  setCalendarToken(db: TenantDb, userId: number, tokenHash: string): Promise<void>;
  revokeCalendarToken(db: TenantDb, userId: number): Promise<boolean>;
  calendarTokenCreatedAt(db: TenantDb, userId: number): Promise<Date | null>;
  /** The active user a feed token belongs to. */
  userByCalendarToken(db: TenantDb, tokenHash: string): Promise<{ id: number; role: string } | null>;

  /** Takes these devices for the occurrence's reminder; returns those not taken before. */
  claimReminder(
    db: TenantDb,
    eventId: number,
    occurrenceStart: Date,
    subscriptionIds: number[],
  ): Promise<Set<number>>;
  /** The device's reminder was not sent after all (a failure worth a retry). */
  releaseReminder(
    db: TenantDb,
    eventId: number,
    occurrenceStart: Date,
    subscriptionId: number,
  ): Promise<void>;
}
