import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CalendarFeedQuery,
  CalendarTokenReply,
  CalendarTokenStatusReply,
  CreateEventBody,
  DeleteEventQuery,
  EventDetailReply,
  EventQuery,
  EventReply,
  EventsQuery,
  EventTypeBody,
  EventTypeReply,
  EventTypesReply,
  IdParams,
  OccurrencesReply,
  PatchEventBody,
  PatchEventTypeBody,
  RsvpBody,
  RsvpReply,
} from '@rosterchirp/protocol';

/** The schedule (Team plan): event types, events and occurrences, RSVPs, the calendar feed. */
export const scheduleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { schedule, calendarFeed } = app.services;
  const user = { onRequest: app.requireUser };

  app.get('/api/event-types', { ...user, schema: { response: { 200: EventTypesReply } } }, async (req) => ({
    eventTypes: await schedule.eventTypes(req.tenant),
  }));

  app.post(
    '/api/event-types',
    { ...user, schema: { body: EventTypeBody, response: { 201: EventTypeReply } } },
    async (req, reply) =>
      reply
        .status(201)
        .send({ eventType: await schedule.createEventType(req.tenant, req.actor.user, req.body) }),
  );

  app.patch(
    '/api/event-types/:id',
    { ...user, schema: { params: IdParams, body: PatchEventTypeBody, response: { 200: EventTypeReply } } },
    async (req) => ({
      eventType: await schedule.updateEventType(req.tenant, req.actor.user, req.params.id, req.body),
    }),
  );

  app.delete('/api/event-types/:id', { ...user, schema: { params: IdParams } }, async (req, reply) => {
    await schedule.removeEventType(req.tenant, req.actor.user, req.params.id);
    return reply.status(204).send();
  });

  app.get(
    '/api/events',
    { ...user, schema: { querystring: EventsQuery, response: { 200: OccurrencesReply } } },
    async (req) => ({ occurrences: await schedule.list(req.tenant, req.actor.user, req.query) }),
  );

  app.post(
    '/api/events',
    { ...user, schema: { body: CreateEventBody, response: { 201: EventReply } } },
    async (req, reply) =>
      reply.status(201).send({ event: await schedule.create(req.tenant, req.actor.user, req.body) }),
  );

  app.get(
    '/api/events/:id',
    { ...user, schema: { params: IdParams, querystring: EventQuery, response: { 200: EventDetailReply } } },
    async (req) => schedule.get(req.tenant, req.actor.user, req.params.id, req.query.occurrenceStart),
  );

  app.patch(
    '/api/events/:id',
    { ...user, schema: { params: IdParams, body: PatchEventBody, response: { 200: EventReply } } },
    async (req) => ({ event: await schedule.update(req.tenant, req.actor.user, req.params.id, req.body) }),
  );

  app.delete(
    '/api/events/:id',
    { ...user, schema: { params: IdParams, querystring: DeleteEventQuery } },
    async (req, reply) => {
      await schedule.remove(
        req.tenant,
        req.actor.user,
        req.params.id,
        req.query.scope,
        req.query.occurrenceStart,
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/events/:id/rsvp',
    { ...user, schema: { params: IdParams, body: RsvpBody, response: { 200: RsvpReply } } },
    async (req) => ({
      rsvp: await schedule.rsvp(
        req.tenant,
        req.actor.user,
        req.params.id,
        req.body.occurrenceStart,
        req.body.status,
      ),
    }),
  );

  // The calendar feed: a secret link per person (a new one replaces the old; DELETE turns it off).
  app.get(
    '/api/calendar/token',
    { ...user, schema: { response: { 200: CalendarTokenStatusReply } } },
    async (req) => {
      await schedule.feature(req.tenant);
      const createdAt = await calendarFeed.createdAt(req.tenant, req.actor.user.id);
      return { active: createdAt !== null, createdAt: createdAt?.toISOString() ?? null };
    },
  );

  app.post(
    '/api/calendar/token',
    { ...user, schema: { response: { 200: CalendarTokenReply } } },
    async (req) => {
      await schedule.feature(req.tenant);
      const token = await calendarFeed.issueToken(req.tenant, req.actor.user.id);
      return { token, url: `${req.protocol}://${req.host}/api/calendar.ics?token=${token}` };
    },
  );

  app.delete('/api/calendar/token', user, async (req, reply) => {
    await schedule.feature(req.tenant);
    await calendarFeed.revoke(req.tenant, req.actor.user.id);
    return reply.status(204).send();
  });

  app.get('/api/calendar.ics', { schema: { querystring: CalendarFeedQuery } }, async (req, reply) => {
    await schedule.feature(req.tenant);
    const body = await calendarFeed.feed(req.tenant, req.query.token, req.hostname);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=300')
      .header('content-disposition', 'inline; filename="schedule.ics"')
      .send(body);
  });
};
