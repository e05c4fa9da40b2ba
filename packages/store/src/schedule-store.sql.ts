import type { Row } from '@rosterchirp/db';
import type { EventType, RsvpStatus } from '@rosterchirp/protocol';
import { isUniqueViolation } from './pg-errors.ts';
import {
  type EventRow,
  EventTypeInUse,
  EventTypeNameTaken,
  type EventWrite,
  type ScheduleStore,
  type StoredRecurrence,
} from './schedule-store.ts';

const EVENT_COLUMNS = `e.id, e.title, e.description, e.location, e.starts_at, e.ends_at, e.all_day, e.time_zone,
  e.type_id, e.audience_group_id, e.audience_user_group_id, e.recurrence, e.exceptions, e.series_ends_at,
  e.reminder_minutes, e.created_by, e.updated_at`;

function toEvent(r: Row): EventRow {
  return {
    id: r.id as number,
    title: r.title as string,
    description: r.description as string,
    location: r.location as string,
    start: r.starts_at as Date,
    end: r.ends_at as Date,
    allDay: r.all_day as boolean,
    timeZone: r.time_zone as string,
    typeId: r.type_id as number,
    audienceGroupId: (r.audience_group_id as number | null) ?? null,
    audienceUserGroupId: (r.audience_user_group_id as number | null) ?? null,
    recurrence: (r.recurrence as StoredRecurrence | null) ?? null,
    exceptions: (r.exceptions as Date[] | null) ?? [],
    seriesEnd: (r.series_ends_at as Date | null) ?? null,
    reminderMinutes: (r.reminder_minutes as number | null) ?? null,
    createdBy: (r.created_by as number | null) ?? null,
    updatedAt: r.updated_at as Date,
  };
}

const writeParams = (e: EventWrite) => [
  e.title,
  e.description,
  e.location,
  e.start,
  e.end,
  e.allDay,
  e.timeZone,
  e.typeId,
  e.audienceGroupId,
  e.audienceUserGroupId,
  e.recurrence ? JSON.stringify(e.recurrence) : null,
  e.exceptions,
  e.seriesEnd,
  e.reminderMinutes,
  e.createdBy,
];

/**
 * Rows of `events e` the viewer sees (params: $1 user id, $2 sees all): everyone's events, their
 * conversations' (a public channel: unless they left it), their user groups', their own.
 */
const visibleTo = (s: string) => `($2::boolean
  OR (e.audience_group_id IS NULL AND e.audience_user_group_id IS NULL)
  OR e.created_by = $1
  OR e.audience_group_id IN (SELECT gm.group_id FROM ${s}.group_members gm WHERE gm.user_id = $1)
  OR e.audience_group_id IN (
       SELECT g.id FROM ${s}.groups g WHERE g.type = 'public' AND NOT EXISTS (
         SELECT 1 FROM ${s}.conversation_prefs cp
          WHERE cp.group_id = g.id AND cp.user_id = $1 AND cp.left_at IS NOT NULL))
  OR e.audience_user_group_id IN (
       SELECT ugm.user_group_id FROM ${s}.user_group_members ugm WHERE ugm.user_id = $1))`;

/**
 * `SELECT u.id …` of an event's audience (active accounts): everyone, a conversation's members
 * (a public channel: everyone who has not left it), or a user group's.
 */
function audienceOf(
  s: string,
  event: Pick<EventRow, 'audienceGroupId' | 'audienceUserGroupId'>,
): { sql: string; params: unknown[] } {
  const active = `u.status = 'active'`;
  if (event.audienceUserGroupId !== null) {
    return {
      sql: `SELECT u.id FROM ${s}.users u JOIN ${s}.user_group_members m ON m.user_id = u.id
             WHERE m.user_group_id = $1 AND ${active}`,
      params: [event.audienceUserGroupId],
    };
  }
  if (event.audienceGroupId !== null) {
    return {
      sql: `SELECT u.id FROM ${s}.users u, ${s}.groups g
             WHERE g.id = $1 AND ${active} AND CASE WHEN g.type = 'public'
               THEN NOT EXISTS (SELECT 1 FROM ${s}.conversation_prefs cp
                                 WHERE cp.group_id = g.id AND cp.user_id = u.id AND cp.left_at IS NOT NULL)
               ELSE EXISTS (SELECT 1 FROM ${s}.group_members gm WHERE gm.group_id = g.id AND gm.user_id = u.id)
             END`,
      params: [event.audienceGroupId],
    };
  }
  return { sql: `SELECT u.id FROM ${s}.users u WHERE ${active}`, params: [] };
}

const typeNameTaken = (err: unknown): never => {
  if (
    isUniqueViolation(err, 'event_types_name_key') ||
    isUniqueViolation(err, 'event_types_lower_name_key')
  ) {
    throw new EventTypeNameTaken();
  }
  throw err;
};

export const sqlScheduleStore: ScheduleStore = {
  async eventTypes(db) {
    const { rows } = await db.query<EventType>(
      `SELECT id, name, colour AS color FROM ${db.s}.event_types ORDER BY id`,
    );
    return rows;
  },

  async createEventType(db, type) {
    const { rows } = await db
      .query<EventType>(
        `INSERT INTO ${db.s}.event_types (name, colour) VALUES ($1, $2) RETURNING id, name, colour AS color`,
        [type.name, type.color],
      )
      .catch(typeNameTaken);
    return rows[0]!;
  },

  async updateEventType(db, id, change) {
    const { rows } = await db
      .query<EventType>(
        `UPDATE ${db.s}.event_types SET name = coalesce($2, name), colour = coalesce($3, colour)
          WHERE id = $1 RETURNING id, name, colour AS color`,
        [id, change.name ?? null, change.color ?? null],
      )
      .catch(typeNameTaken);
    return rows[0] ?? null;
  },

  async removeEventType(db, id) {
    try {
      const { rowCount } = await db.query(`DELETE FROM ${db.s}.event_types WHERE id = $1`, [id]);
      return (rowCount ?? 0) > 0;
    } catch (err) {
      if ((err as { code?: string }).code === '23503') throw new EventTypeInUse();
      throw err;
    }
  },

  async insertEvent(db, event) {
    const { rows } = await db.query(
      `INSERT INTO ${db.s}.events AS e (title, description, location, starts_at, ends_at, all_day, time_zone,
         type_id, audience_group_id, audience_user_group_id, recurrence, exceptions, series_ends_at,
         reminder_minutes, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       RETURNING ${EVENT_COLUMNS}`,
      writeParams(event),
    );
    return toEvent(rows[0]!);
  },

  async updateEvent(db, id, event) {
    const { rows } = await db.query(
      `UPDATE ${db.s}.events AS e SET title = $1, description = $2, location = $3, starts_at = $4, ends_at = $5,
         all_day = $6, time_zone = $7, type_id = $8, audience_group_id = $9, audience_user_group_id = $10,
         recurrence = $11, exceptions = $12, series_ends_at = $13, reminder_minutes = $14, created_by = $15,
         updated_at = now()
       WHERE id = $16 RETURNING ${EVENT_COLUMNS}`,
      [...writeParams(event), id],
    );
    return rows[0] ? toEvent(rows[0]) : null;
  },

  async removeEvent(db, id) {
    const { rowCount } = await db.query(`DELETE FROM ${db.s}.events WHERE id = $1`, [id]);
    return (rowCount ?? 0) > 0;
  },

  async event(db, id) {
    const { rows } = await db.query(`SELECT ${EVENT_COLUMNS} FROM ${db.s}.events e WHERE e.id = $1`, [id]);
    return rows[0] ? toEvent(rows[0]) : null;
  },

  async visibleEvent(db, id, viewer) {
    const { rows } = await db.query(
      `SELECT ${EVENT_COLUMNS} FROM ${db.s}.events e WHERE e.id = $3 AND ${visibleTo(db.s)}`,
      [viewer.userId, viewer.seesAll, id],
    );
    return rows[0] ? toEvent(rows[0]) : null;
  },

  async eventsOverlapping(db, viewer, range) {
    const { rows } = await db.query(
      `SELECT ${EVENT_COLUMNS} FROM ${db.s}.events e
        WHERE e.starts_at < $4 AND (e.series_ends_at IS NULL OR e.series_ends_at > $3)
          AND ($5::int IS NULL OR e.type_id = $5) AND ${visibleTo(db.s)}
        ORDER BY e.starts_at, e.id`,
      [viewer.userId, viewer.seesAll, range.from, range.to, range.typeId ?? null],
    );
    return rows.map(toEvent);
  },

  async eventsSince(db, viewer, since) {
    const { rows } = await db.query(
      `SELECT ${EVENT_COLUMNS} FROM ${db.s}.events e
        WHERE (e.series_ends_at IS NULL OR e.series_ends_at > $3) AND ${visibleTo(db.s)}
        ORDER BY e.starts_at, e.id`,
      [viewer.userId, viewer.seesAll, since],
    );
    return rows.map(toEvent);
  },

  async rsvpCounts(db, eventIds, from, to, userId) {
    if (eventIds.length === 0) return [];
    const { rows } = await db.query(
      `SELECT event_id, occurrence_start,
              count(*) FILTER (WHERE status = 'going')::int AS going,
              count(*) FILTER (WHERE status = 'maybe')::int AS maybe,
              count(*) FILTER (WHERE status = 'not_going')::int AS not_going,
              max(status) FILTER (WHERE user_id = $4) AS mine
         FROM ${db.s}.event_rsvps
        WHERE event_id = ANY($1::int[]) AND occurrence_start >= $2 AND occurrence_start < $3
        GROUP BY event_id, occurrence_start`,
      [eventIds, from, to, userId],
    );
    return rows.map((r) => ({
      eventId: r.event_id as number,
      occurrenceStart: r.occurrence_start as Date,
      going: r.going as number,
      maybe: r.maybe as number,
      notGoing: r.not_going as number,
      mine: (r.mine as RsvpStatus | null) ?? null,
    }));
  },

  async rsvpPeople(db, eventId, occurrenceStart) {
    const { rows } = await db.query(
      `SELECT r.user_id, coalesce(u.display_name, u.name) AS name, r.status
         FROM ${db.s}.event_rsvps r JOIN ${db.s}.users u ON u.id = r.user_id
        WHERE r.event_id = $1 AND r.occurrence_start = $2 AND u.status <> 'deleted'
        ORDER BY lower(coalesce(u.display_name, u.name))`,
      [eventId, occurrenceStart],
    );
    return rows.map((r) => ({
      userId: r.user_id as number,
      name: r.name as string,
      status: r.status as RsvpStatus,
    }));
  },

  async setRsvp(db, eventId, occurrenceStart, userId, status) {
    await db.query(
      `INSERT INTO ${db.s}.event_rsvps (event_id, occurrence_start, user_id, status) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id, occurrence_start, user_id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()`,
      [eventId, occurrenceStart, userId, status],
    );
  },

  async moveRsvps(db, fromEventId, toEventId, range, shiftMs) {
    await db.query(
      `WITH moved AS (
         DELETE FROM ${db.s}.event_rsvps
          WHERE event_id = $1 AND occurrence_start >= $3 AND ($4::timestamptz IS NULL OR occurrence_start < $4)
          RETURNING occurrence_start, user_id, status, updated_at)
       INSERT INTO ${db.s}.event_rsvps (event_id, occurrence_start, user_id, status, updated_at)
       SELECT $2, occurrence_start + make_interval(secs => $5::double precision / 1000), user_id, status, updated_at
         FROM moved
       ON CONFLICT (event_id, occurrence_start, user_id) DO NOTHING`,
      [fromEventId, toEventId, range.since, range.until ?? null, shiftMs],
    );
  },

  async audienceUserIds(db, event) {
    const audience = audienceOf(db.s, event);
    const { rows } = await db.query<{ id: number }>(`${audience.sql} ORDER BY u.id`, audience.params);
    return rows.map((r) => r.id);
  },

  async reminderDevices(db, event, occurrenceStart) {
    const audience = audienceOf(db.s, event);
    const n = audience.params.length;
    const { rows } = await db.query(
      `SELECT ps.id, ps.user_id, ps.endpoint, ps.p256dh, ps.auth, pu.preferences
         FROM ${db.s}.push_subscriptions ps JOIN ${db.s}.users pu ON pu.id = ps.user_id
        WHERE ps.user_id IN (${audience.sql})
          AND NOT EXISTS (SELECT 1 FROM ${db.s}.event_rsvps r WHERE r.event_id = $${n + 1}
                           AND r.occurrence_start = $${n + 2} AND r.user_id = ps.user_id AND r.status = 'not_going')
        ORDER BY ps.id`,
      [...audience.params, event.id, occurrenceStart],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      userId: r.user_id as number,
      endpoint: r.endpoint as string,
      p256dh: r.p256dh as string,
      auth: r.auth as string,
      preferences: (r.preferences as Record<string, unknown>) ?? {},
    }));
  },

  async setCalendarToken(db, userId, tokenHash) {
    await db.query(
      `INSERT INTO ${db.s}.calendar_tokens (user_id, token_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
      [userId, tokenHash],
    );
  },

  async revokeCalendarToken(db, userId) {
    const { rowCount } = await db.query(`DELETE FROM ${db.s}.calendar_tokens WHERE user_id = $1`, [userId]);
    return (rowCount ?? 0) > 0;
  },

  async calendarTokenCreatedAt(db, userId) {
    const { rows } = await db.query<{ created_at: Date }>(
      `SELECT created_at FROM ${db.s}.calendar_tokens WHERE user_id = $1`,
      [userId],
    );
    return rows[0]?.created_at ?? null;
  },

  async userByCalendarToken(db, tokenHash) {
    const { rows } = await db.query<{ id: number; role: string }>(
      `SELECT u.id, u.role FROM ${db.s}.calendar_tokens t JOIN ${db.s}.users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND u.status = 'active'`,
      [tokenHash],
    );
    return rows[0] ?? null;
  },

  async claimReminder(db, eventId, occurrenceStart, subscriptionIds) {
    if (subscriptionIds.length === 0) return new Set();
    const { rows } = await db.query<{ subscription_id: string }>(
      `INSERT INTO ${db.s}.reminder_deliveries (event_id, occurrence_start, subscription_id)
       SELECT $1, $2, unnest($3::bigint[])
       ON CONFLICT DO NOTHING RETURNING subscription_id`,
      [eventId, occurrenceStart, subscriptionIds],
    );
    return new Set(rows.map((r) => Number(r.subscription_id)));
  },

  async releaseReminder(db, eventId, occurrenceStart, subscriptionId) {
    await db.query(
      `DELETE FROM ${db.s}.reminder_deliveries WHERE event_id = $1 AND occurrence_start = $2 AND subscription_id = $3`,
      [eventId, occurrenceStart, subscriptionId],
    );
  },
};
