import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../infra/deps.ts';
import {
  errors,
  HttpError,
  idParam as idParams,
  listOf,
  notFound,
  requestMetadata,
  requireUser,
} from '../../infra/http/index.ts';
import { spendDailyAllowance } from '../../infra/throttle.ts';
import { getSession, listSessions, seriesSessions } from '../../read-models/session-listings/queries.ts';
import { sessionView } from '../../read-models/session-listings/views.ts';
import { cancelSeries, cloneSession, runSessionCommand, scheduleSession } from './handlers.ts';
import { withHostingFacts } from './http/facts.ts';
import { actorOf, viewerOf } from './http/viewer.ts';
import {
  cancelBody,
  cloneBody,
  completeBody,
  createSessionBody,
  editSessionBody,
  sessionQuery,
} from './schemas.ts';

const one = z.object({ session: sessionView });

/** Hosting sessions and series: scheduling, browsing, editing, cancelling, completing, copying. */
export function sessionRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const show = async (request: FastifyRequest, id: string) => {
    const session = await getSession(deps.pool, id, viewerOf(request));
    if (!session) throw notFound('That session');
    return { session };
  };

  r.post(
    '/api/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Host a session (with `repeat`, a weekly or fortnightly series of up to 12)',
        description:
          'Each occurrence counts against SESSIONS_PER_DAY: a series with more occurrences than are left today ' +
          'is 429 (`details`: `{limit, left, requested}`) and schedules and spends nothing.',
        body: createSessionBody,
        response: {
          201: one.extend({
            series: z.object({ id: z.string(), sessionIds: z.array(z.string()) }).nullable(),
          }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { repeat, ...input } = request.body;
      // Every occurrence of a series is a session against the daily limit.
      const count = repeat?.count ?? 1;
      const perDay = deps.config.limits.sessionsPerDay;
      const allowance = await spendDailyAllowance(deps.pool, 'sessions', user.id, perDay, count);
      if (!allowance.ok) {
        const asked = count > 1 ? ` This series has ${count}.` : '';
        throw new HttpError(
          'rate_limited',
          `You can schedule at most ${perDay} sessions a day (each occurrence of a series counts): ` +
            `${allowance.left} left today.${asked}`,
          { limit: perDay, left: allowance.left, requested: count },
        );
      }
      const everyWeeks = repeat?.every === 'two-weeks' ? 2 : 1;
      const { sessionIds, seriesId } = await withHostingFacts(deps.pool, user.id, input)
        .then((details) =>
          scheduleSession(
            deps.command,
            {
              hostId: user.id,
              details,
              repeat: repeat ? { everyWeeks, count } : undefined,
              now: deps.command.now(),
            },
            requestMetadata(request),
          ),
        )
        .catch(async (err) => {
          // Nothing was scheduled (a series is all or nothing): the allowance is given back, if the database lets us.
          await allowance.release().catch(() => {});
          throw err;
        });
      const { session } = await show(request, sessionIds[0]!);
      return reply.code(201).send({ session, series: seriesId ? { id: seriesId, sessionIds } : null });
    },
  );

  r.get(
    '/api/sessions',
    {
      config: { publicCache: true },
      schema: {
        tags: ['sessions'],
        summary: 'Browse sessions, soonest first',
        querystring: sessionQuery,
        response: { 200: listOf(sessionView), ...errors(400) },
      },
    },
    async (request) => listSessions(deps.pool, request.query, viewerOf(request)),
  );

  r.get(
    '/api/sessions/:id',
    {
      config: { publicCache: true },
      schema: {
        tags: ['sessions'],
        summary: 'One session',
        params: idParams,
        response: { 200: one, ...errors(404) },
      },
    },
    async (request) => show(request, request.params.id),
  );

  r.patch(
    '/api/sessions/:id',
    {
      schema: {
        tags: ['sessions'],
        summary:
          'Edit or reschedule a session (host); capacity not below the registered count; 409 once a moderator hid it',
        params: idParams,
        body: editSessionBody,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await runSessionCommand(
        deps.command,
        request.params.id,
        { type: 'Edit', data: { actor, changes: request.body }, now: deps.command.now() },
        requestMetadata(request),
      );
      return show(request, request.params.id);
    },
  );

  r.post(
    '/api/sessions/:id/cancel',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Cancel a session (host or moderator); registered members are notified',
        params: idParams,
        body: cancelBody,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await runSessionCommand(
        deps.command,
        request.params.id,
        { type: 'Cancel', data: { actor, reason: request.body.reason } },
        requestMetadata(request),
      );
      return show(request, request.params.id);
    },
  );

  r.post(
    '/api/sessions/:id/complete',
    {
      schema: {
        tags: ['sessions'],
        summary:
          'Complete a session with its attendance (host, once it has ended: 409 before; default: everyone registered)',
        params: idParams,
        body: completeBody,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await runSessionCommand(
        deps.command,
        request.params.id,
        {
          type: 'Complete',
          data: { actor, attendeeIds: request.body?.attendeeIds },
          now: deps.command.now(),
        },
        requestMetadata(request),
      );
      return show(request, request.params.id);
    },
  );

  r.post(
    '/api/sessions/:id/clone',
    {
      schema: {
        tags: ['sessions'],
        summary:
          'Schedule a new session with the details of this one (host); 409 for a session a moderator hid',
        params: idParams,
        body: cloneBody,
        response: { 201: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { sessionIds } = await cloneSession(
        deps.command,
        actorOf(request),
        request.params.id,
        request.body.startsAt,
        requestMetadata(request),
      );
      return reply.code(201).send(await show(request, sessionIds[0]!));
    },
  );

  r.get(
    '/api/series/:id',
    {
      config: { publicCache: true },
      schema: {
        tags: ['sessions'],
        summary: 'A series: every one of its sessions, past and upcoming, in order',
        description:
          'The series takes its title, skill and host from its first session. Hidden sessions are left out.',
        params: idParams,
        response: {
          200: z.object({
            series: z.object({
              id: z.string(),
              title: z.string(),
              skill: z.string(),
              host: z.object({ id: z.string(), displayName: z.string() }),
              sessions: z.array(sessionView),
            }),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const sessions = await seriesSessions(deps.pool, request.params.id, viewerOf(request));
      const first = sessions[0];
      if (!first) throw notFound('That series');
      return {
        series: { id: request.params.id, title: first.title, skill: first.skill, host: first.host, sessions },
      };
    },
  );

  r.post(
    '/api/series/:id/cancel',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Cancel every upcoming session of a series (host or moderator)',
        params: idParams,
        body: cancelBody,
        response: { 200: z.object({ cancelled: z.array(z.string()) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      cancelled: await cancelSeries(
        deps.command,
        actorOf(request),
        request.params.id,
        request.body.reason,
        requestMetadata(request),
      ),
    }),
  );
}
