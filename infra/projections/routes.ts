import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import { errors, notFound, requireRole } from '../http/index.ts';
import type { Jobs } from '../jobs/index.ts';
import { projectionStatus } from './status.ts';
import type { Consumer } from './types.ts';

const statusSchema = z.object({
  name: z.string(),
  kind: z.enum(['read-model', 'reactor']),
  position: z.number(),
  headPosition: z.number(),
  lag: z.number(),
  status: z.enum(['running', 'rebuilding', 'stopped', 'failing']),
  rebuildPosition: z.number().nullable(),
  lastError: z.string().nullable(),
});

export const REBUILD_QUEUE = 'projections-rebuild';

/**
 * The projectors' status for admins: read from the checkpoints of `consumers` (every projector and reactor); and a
 * rebuild's state from its job in `jobs`.
 */
export function projectionRoutes(
  app: FastifyInstance,
  deps: { pool: Queryable; consumers: Consumer[]; jobs: Jobs },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/admin/projections',
    {
      schema: {
        tags: ['administration'],
        summary: 'Every projector with its position, the head of the log, and its lag',
        response: { 200: z.object({ items: z.array(statusSchema) }) },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return { items: await projectionStatus(deps.pool, deps.consumers) };
    },
  );
  rebuildJobRoute(app, deps);
}

/** pg-boss's job states as an admin reads them. */
const REBUILD_STATE: Record<string, 'queued' | 'running' | 'completed' | 'failed'> = {
  created: 'queued',
  retry: 'queued',
  active: 'running',
  completed: 'completed',
  cancelled: 'failed',
  failed: 'failed',
};

/**
 * A rebuild's outcome by its job id (POST .../rebuild answers it): a rebuild of a small log is over before the
 * dashboard's next look at the projections, so "rebuilding" alone cannot tell the page that it ended.
 */
function rebuildJobRoute(app: FastifyInstance, deps: { jobs: Jobs }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/admin/projections/rebuilds/:jobId',
    {
      schema: {
        tags: ['administration'],
        summary: 'The state of a projection rebuild: queued, running, completed or failed (with its error)',
        params: z.object({ jobId: z.uuid({ error: 'must be a job id' }) }),
        response: {
          200: z.object({
            jobId: z.string(),
            state: z.enum(['queued', 'running', 'completed', 'failed']),
            error: z.string().nullable(),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      const job = await deps.jobs.job(REBUILD_QUEUE, request.params.jobId);
      if (!job) throw notFound('That rebuild');
      const state = REBUILD_STATE[job.state] ?? 'queued';
      const output = job.output as { message?: unknown } | null;
      const error =
        state === 'failed' ? (typeof output?.message === 'string' ? output.message : 'failed') : null;
      return { jobId: request.params.jobId, state, error };
    },
  );
}
