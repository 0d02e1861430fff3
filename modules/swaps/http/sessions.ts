import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../../infra/deps.ts';
import {
  errors,
  HttpError,
  hasRole,
  idParam,
  requestMetadata,
  requireUser,
} from '../../../infra/http/index.ts';
import { spendDailyAllowance } from '../../../infra/throttle.ts';
import { getSession } from '../../../read-models/session-listings/queries.ts';
import { sessionView } from '../../../read-models/session-listings/views.ts';
import { swapSessionBody, withHostingFacts } from '../../sessions/index.ts';
import { scheduleSwapSession } from '../handlers.ts';
import { visibleSwap } from './swaps.ts';

export function swapSessionRoutes(app: FastifyInstance, ctx: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/swaps/:id/sessions',
    {
      schema: {
        tags: ['swaps'],
        summary: 'Schedule your session of an accepted swap: you teach the other member',
        description:
          'The session form without `capacity` and `repeat`: the session is private to the two of you (capacity 1, ' +
          'never listed in browse, 404 to anyone else), the other member is registered at once, and the calendar, ' +
          'reminder and join-link rules are those of any session. One live session each: a second one is 409 ' +
          'until yours is cancelled or not held. The swap completes when both sessions are completed. Counts ' +
          'against SESSIONS_PER_DAY (429).',
        params: idParam,
        body: swapSessionBody,
        response: { 201: z.object({ session: sessionView }), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await visibleSwap(ctx, user, request.params.id);
      const perDay = ctx.config.limits.sessionsPerDay;
      const allowance = await spendDailyAllowance(ctx.pool, 'sessions', user.id, perDay);
      if (!allowance.ok) {
        throw new HttpError('rate_limited', `You can schedule at most ${perDay} sessions a day.`, {
          limit: perDay,
          left: allowance.left,
          requested: 1,
        });
      }
      const sessionId = await withHostingFacts(ctx.query.pool, user.id, request.body)
        .then((details) =>
          scheduleSwapSession(
            ctx.command,
            request.params.id,
            { hostId: user.id, details },
            requestMetadata(request),
          ),
        )
        .catch(async (err) => {
          await allowance.release().catch(() => {});
          throw err;
        });
      const viewer = { id: user.id, isModerator: hasRole(user, 'moderator') };
      const session = await getSession(ctx.query.pool, sessionId, viewer);
      if (!session) throw new Error(`swap session ${sessionId} is not in the listings after its write`);
      return reply.code(201).send({ session });
    },
  );
}
