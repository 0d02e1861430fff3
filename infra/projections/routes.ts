import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import { errors, notFound, requireRole, singleLine } from '../http/index.ts';
import { listSetAside, type RetryOutcome, type SetAsideEntry } from './set-aside.ts';
import { projectionStatus } from './status.ts';
import type { Consumer } from './types.ts';
import { projectionStatusView, type SetAsideView, setAsideView } from './views.ts';

const view = (e: SetAsideEntry): SetAsideView => ({
  projector: e.projector,
  position: e.globalPosition,
  streamId: e.streamId,
  streamVersion: e.streamVersion,
  type: e.type,
  error: e.error,
  tries: e.tries,
  firstSeenAt: e.firstSeenAt.toISOString(),
  lastSeenAt: e.lastSeenAt.toISOString(),
});

export const REBUILD_QUEUE = 'projections-rebuild';

/** The projectors' status for admins: read from the checkpoints of `consumers` (every projector and reactor). */
export function projectionRoutes(
  app: FastifyInstance,
  deps: {
    pool: Queryable;
    consumers: Consumer[];
    /** Applies a consumer's set-aside events again (set-aside.ts), in the running process's context. */
    retrySetAside: (name: string) => Promise<RetryOutcome>;
  },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/admin/projections',
    {
      schema: {
        tags: ['administration'],
        summary: 'Every projector with its position, the head of the log, and its lag',
        description:
          'Also how many events each has set aside (events it could not apply after a few tries, and went on ' +
          'past), and the error of its last failed rebuild.',
        response: { 200: z.object({ items: z.array(projectionStatusView) }), ...errors(401, 403) },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return { items: await projectionStatus(deps.pool, deps.consumers) };
    },
  );

  r.get(
    '/api/admin/projections/set-aside',
    {
      schema: {
        tags: ['administration'],
        summary: 'The events projectors and reactors have set aside, with their errors',
        description:
          'An event a projector or reactor could not apply after a few tries (a bug, an event of an old shape) ' +
          'is set aside so that it goes on past it; the read model then lacks what that event says. Listed by ' +
          'projector and log position, until a retry applies it.',
        response: { 200: z.object({ items: z.array(setAsideView) }), ...errors(401, 403) },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      const names = deps.consumers.map((c) => c.name);
      return { items: (await listSetAside(deps.pool, names)).map(view) };
    },
  );

  r.post(
    '/api/admin/projections/:name/retry',
    {
      schema: {
        tags: ['administration'],
        summary: 'Apply the events a projector or reactor set aside again (after a fix)',
        description:
          'Each set-aside event of the projector is applied again, oldest first; those that now apply leave the ' +
          'list (`applied`), the others stay with their new error (`failing`). The event comes late: the ' +
          'projector has applied the events after it already.',
        params: z.object({ name: singleLine({ min: 1, max: 100, trim: false }) }),
        response: {
          200: z.object({ applied: z.array(setAsideView), failing: z.array(setAsideView) }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      const { name } = request.params;
      if (!deps.consumers.some((c) => c.name === name)) throw notFound(`Projection ${name}`);
      const outcome = await deps.retrySetAside(name);
      return { applied: outcome.applied.map(view), failing: outcome.failing.map(view) };
    },
  );
}
