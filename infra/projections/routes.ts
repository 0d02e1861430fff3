import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import { requireRole } from '../http/index.ts';
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

/** The projectors' status for admins: read from the checkpoints of `consumers` (every projector and reactor). */
export function projectionRoutes(app: FastifyInstance, deps: { pool: Queryable; consumers: Consumer[] }) {
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
}
