import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../../infra/deps.ts';
import {
  errors,
  idParam as idParams,
  notFound,
  requestMetadata,
  requireRole,
  requireUser,
} from '../../../infra/http/index.ts';
import { attendees, getSession, mySessions } from '../../../read-models/session-listings/queries.ts';
import { attendeesView, mySessionsView } from '../../../read-models/session-listings/views.ts';
import { runSessionCommand } from '../handlers.ts';
import { noShowRecord } from './facts.ts';
import { viewerOf } from './viewer.ts';

/** Taking part: registering (or joining the waitlist), leaving, who takes part, and a member's own sessions. */
export function registrationRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/sessions/:id/registration',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Register for a session; when it is full, join the waitlist',
        description:
          'Refused (409) for a member with NO_SHOW_LIMIT (3) no-shows within NO_SHOW_WINDOW_DAYS (60), for NO_SHOW_COOLDOWN_DAYS (14) after the last of them; the message gives the date it ends.',
        params: idParams,
        response: {
          201: z.object({
            status: z.enum(['registered', 'waitlisted']),
            waitlistPosition: z.number().optional(),
          }),
          ...errors(401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const now = deps.command.now();
      const noShows = await noShowRecord(deps.pool, user.id, deps.config.noShows, now);
      // A session hidden by moderation is refused by the session itself (its decider), as for an unknown one.
      const { events } = await runSessionCommand(
        deps.command,
        request.params.id,
        { type: 'Register', data: { memberId: user.id, noShows }, now },
        requestMetadata(request),
      );
      const event = events[0]!;
      if (event.type === 'MemberWaitlisted') {
        return reply.code(201).send({ status: 'waitlisted', waitlistPosition: event.data.position });
      }
      return reply.code(201).send({ status: 'registered' });
    },
  );

  r.delete(
    '/api/sessions/:id/registration',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Leave a session or its waitlist; the first waitlisted member takes a freed seat',
        description:
          'Leaving a seat less than LATE_LEAVE_HOURS (3) before the start, or after it, without having joined, is recorded as a no-show.',
        params: idParams,
        response: { 204: z.null(), ...errors(401, 404, 409) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await runSessionCommand(
        deps.command,
        request.params.id,
        {
          type: 'Unregister',
          data: { memberId: user.id, lateLeaveHours: deps.config.noShows.lateLeaveHours },
          now: deps.command.now(),
        },
        requestMetadata(request),
      );
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/sessions/:id/attendees',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Who is registered and who waits (host or moderator)',
        description:
          'Each attendee with when they joined (joinedAt) and their attendance record across sessions: `attendance: {sessions, attended, rate}`.',
        params: idParams,
        response: { 200: attendeesView, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const session = await getSession(deps.pool, request.params.id, viewerOf(request));
      if (!session) throw notFound('That session');
      if (session.host.id !== user.id) requireRole(request, 'moderator');
      return attendees(deps.pool, session.id);
    },
  );

  r.get(
    '/api/me/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'My learning: hosting, attending, waitlisted, history, and totals',
        response: { 200: mySessionsView, ...errors(401) },
      },
    },
    async (request) => mySessions(deps.pool, requireUser(request).id),
  );
}
