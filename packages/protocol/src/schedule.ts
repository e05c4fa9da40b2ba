import { type Static, Type } from '@sinclair/typebox';
import { SCHEDULE_LIMITS } from './schedule-rules.ts';

/** Schedule (Team plan): request and response schemas of docs/API.md "Schedule". */

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

/** An instant written with its offset (`Z` or `±hh:mm`): the client always says which. */
export const OffsetDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
  maxLength: 40,
  description: 'a date and time with its offset, e.g. 2026-12-01T09:30:00+01:00',
});

export const WeekdaySchema = Type.Union([
  Type.Literal('MO'),
  Type.Literal('TU'),
  Type.Literal('WE'),
  Type.Literal('TH'),
  Type.Literal('FR'),
  Type.Literal('SA'),
  Type.Literal('SU'),
]);
export const Frequency = Type.Union([
  Type.Literal('daily'),
  Type.Literal('weekly'),
  Type.Literal('monthly'),
  Type.Literal('yearly'),
]);
export type Frequency = Static<typeof Frequency>;

/**
 * How a series repeats (RFC 5545 RRULE, computed in the event's time zone): every `interval`
 * days/weeks/months/years, weekly on `byWeekday` (default: the start's weekday), ending at
 * `until` (inclusive) or after `count` occurrences or never; `exceptions` are occurrence starts
 * that do not happen.
 */
export const Recurrence = Type.Object(
  {
    freq: Frequency,
    interval: Type.Optional(Type.Integer({ minimum: 1, maximum: SCHEDULE_LIMITS.intervalMax })),
    byWeekday: Type.Optional(Type.Array(WeekdaySchema, { minItems: 1, maxItems: 7, uniqueItems: true })),
    until: Type.Optional(Type.Union([OffsetDateTime, Type.Null()])),
    count: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: SCHEDULE_LIMITS.countMax }), Type.Null()]),
    ),
    exceptions: Type.Optional(Type.Array(OffsetDateTime, { maxItems: SCHEDULE_LIMITS.exceptionsMax })),
  },
  { additionalProperties: false },
);
export type Recurrence = Static<typeof Recurrence>;

/** Who an event is for: everyone (null), a conversation's members, or a user group's. */
export const Audience = Type.Union([
  Type.Object({ groupId: Id }, { additionalProperties: false }),
  Type.Object({ userGroupId: Id }, { additionalProperties: false }),
]);
export type Audience = Static<typeof Audience>;

export const RsvpStatus = Type.Union([
  Type.Literal('going'),
  Type.Literal('maybe'),
  Type.Literal('not_going'),
]);
export type RsvpStatus = Static<typeof RsvpStatus>;

const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'a colour as #rrggbb' });
export const EventTypeSchema = Type.Object({ id: Type.Integer(), name: Type.String(), color: Type.String() });
export type EventType = Static<typeof EventTypeSchema>;
export const EventTypeBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: SCHEDULE_LIMITS.typeNameMax }), color: Color },
  { additionalProperties: false },
);
export const PatchEventTypeBody = Type.Partial(EventTypeBody, { additionalProperties: false });
export const EventTypesReply = Type.Object({ eventTypes: Type.Array(EventTypeSchema) });
export const EventTypeReply = Type.Object({ eventType: EventTypeSchema });

export const ScheduleEventSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  location: Type.String(),
  start: Type.String(),
  end: Type.String(),
  timeZone: Type.String(),
  allDay: Type.Boolean(),
  typeId: Type.Integer(),
  audience: Type.Union([Audience, Type.Null()]),
  recurrence: Type.Union([
    Type.Object({
      freq: Frequency,
      interval: Type.Integer(),
      byWeekday: Type.Array(WeekdaySchema),
      until: Type.Union([Type.String(), Type.Null()]),
      count: Type.Union([Type.Integer(), Type.Null()]),
      exceptions: Type.Array(Type.String()),
    }),
    Type.Null(),
  ]),
  reminderMinutes: Type.Union([Type.Integer(), Type.Null()]),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  /** The caller may edit and delete it (admins and managers). */
  canEdit: Type.Boolean(),
});
export type ScheduleEvent = Static<typeof ScheduleEventSchema>;

const Title = Type.String({ minLength: 1, maxLength: SCHEDULE_LIMITS.titleMax });
const EventFields = {
  title: Title,
  description: Type.Optional(Type.String({ maxLength: SCHEDULE_LIMITS.descriptionMax })),
  location: Type.Optional(Type.String({ maxLength: SCHEDULE_LIMITS.locationMax })),
  start: OffsetDateTime,
  end: OffsetDateTime,
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  allDay: Type.Optional(Type.Boolean()),
  typeId: Id,
  audience: Type.Optional(Type.Union([Audience, Type.Null()])),
  recurrence: Type.Optional(Type.Union([Recurrence, Type.Null()])),
  reminderMinutes: Type.Optional(
    Type.Union([Type.Integer({ minimum: 0, maximum: SCHEDULE_LIMITS.reminderMaxMinutes }), Type.Null()]),
  ),
};
export const CreateEventBody = Type.Object(EventFields, { additionalProperties: false });
export type CreateEventBody = Static<typeof CreateEventBody>;

export const EditScope = Type.Union([
  Type.Literal('occurrence'),
  Type.Literal('following'),
  Type.Literal('series'),
]);
export type EditScope = Static<typeof EditScope>;
export const PatchEventBody = Type.Object(
  {
    ...Type.Partial(Type.Object(EventFields)).properties,
    /** For a recurring event: which occurrences change (default: the whole series). */
    scope: Type.Optional(EditScope),
    occurrenceStart: Type.Optional(OffsetDateTime),
  },
  { additionalProperties: false },
);
export type PatchEventBody = Static<typeof PatchEventBody>;
export const DeleteEventQuery = Type.Object(
  { scope: Type.Optional(EditScope), occurrenceStart: Type.Optional(OffsetDateTime) },
  { additionalProperties: false },
);
export const EventQuery = Type.Object(
  { occurrenceStart: Type.Optional(OffsetDateTime) },
  { additionalProperties: false },
);

export const EventsQuery = Type.Object(
  {
    from: Type.Optional(OffsetDateTime),
    to: Type.Optional(OffsetDateTime),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    typeId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const RsvpSummarySchema = Type.Object({
  going: Type.Integer(),
  maybe: Type.Integer(),
  notGoing: Type.Integer(),
  mine: Type.Union([RsvpStatus, Type.Null()]),
});
export type RsvpSummary = Static<typeof RsvpSummarySchema>;
export const RsvpDetailSchema = Type.Object({
  ...RsvpSummarySchema.properties,
  people: Type.Array(Type.Object({ userId: Type.Integer(), name: Type.String(), status: RsvpStatus })),
});
export type RsvpDetail = Static<typeof RsvpDetailSchema>;

export const OccurrenceSchema = Type.Object({
  eventId: Type.Integer(),
  start: Type.String(),
  end: Type.String(),
  allDay: Type.Boolean(),
  title: Type.String(),
  location: Type.String(),
  typeId: Type.Integer(),
  recurring: Type.Boolean(),
  rsvp: RsvpSummarySchema,
});
export type Occurrence = Static<typeof OccurrenceSchema>;
export const OccurrencesReply = Type.Object({ occurrences: Type.Array(OccurrenceSchema) });

export const EventReply = Type.Object({ event: ScheduleEventSchema });
/** One event and, when an occurrence is named (or it is a one-off), who answered for it. */
export const EventDetailReply = Type.Object({
  event: ScheduleEventSchema,
  occurrence: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }), Type.Null()]),
  rsvp: Type.Union([RsvpDetailSchema, Type.Null()]),
});
export type EventDetail = Static<typeof EventDetailReply>;

export const RsvpBody = Type.Object(
  { occurrenceStart: OffsetDateTime, status: RsvpStatus },
  { additionalProperties: false },
);
export const RsvpReply = Type.Object({ rsvp: RsvpDetailSchema });

export const CalendarTokenReply = Type.Object({ token: Type.String(), url: Type.String() });
export const CalendarFeedQuery = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const CalendarTokenStatusReply = Type.Object({
  active: Type.Boolean(),
  createdAt: Type.Union([Type.String(), Type.Null()]),
});
