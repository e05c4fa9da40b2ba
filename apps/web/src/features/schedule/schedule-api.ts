import type {
  CreateEventBody,
  EditScope,
  EventDetail,
  EventType,
  Occurrence,
  PatchEventBody,
  RsvpDetail,
  RsvpStatus,
  ScheduleEvent,
} from '@rosterchirp/protocol/client';
import { call } from '../../lib/http.ts';

const q = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]])),
  ).toString();

/** The schedule's routes (docs/API.md, "Schedule"). */
export const scheduleApi = {
  eventTypes: () => call<{ eventTypes: EventType[] }>('GET', '/api/event-types'),
  saveEventType: (id: number | null, body: { name: string; color: string }) =>
    id === null
      ? call<{ eventType: EventType }>('POST', '/api/event-types', body)
      : call<{ eventType: EventType }>('PATCH', `/api/event-types/${id}`, body),
  deleteEventType: (id: number) => call<void>('DELETE', `/api/event-types/${id}`),
  occurrences: (range: { from: Date; to: Date; q?: string; typeId?: number }) =>
    call<{ occurrences: Occurrence[] }>(
      'GET',
      `/api/events?${q({ from: range.from.toISOString(), to: range.to.toISOString(), q: range.q, typeId: range.typeId })}`,
    ),
  event: (id: number, occurrenceStart?: string) =>
    call<EventDetail>('GET', `/api/events/${id}${occurrenceStart ? `?${q({ occurrenceStart })}` : ''}`),
  create: (body: CreateEventBody) => call<{ event: ScheduleEvent }>('POST', '/api/events', body),
  update: (id: number, body: PatchEventBody) =>
    call<{ event: ScheduleEvent }>('PATCH', `/api/events/${id}`, body),
  remove: (id: number, scope?: EditScope, occurrenceStart?: string) =>
    call<void>('DELETE', `/api/events/${id}${scope ? `?${q({ scope, occurrenceStart })}` : ''}`),
  rsvp: (id: number, occurrenceStart: string, status: RsvpStatus) =>
    call<{ rsvp: RsvpDetail }>('POST', `/api/events/${id}/rsvp`, { occurrenceStart, status }),
  feedStatus: () => call<{ active: boolean; createdAt: string | null }>('GET', '/api/calendar/token'),
  newFeed: () => call<{ token: string; url: string }>('POST', '/api/calendar/token'),
  stopFeed: () => call<void>('DELETE', '/api/calendar/token'),
};
