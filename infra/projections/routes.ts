import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound, requireRole } from '../http/index.ts';
import type { Deps } from '../deps.ts';
import { projectionStatus } from './status.ts';

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

export function projectionRoutes(app: FastifyInstance, deps: Deps) {
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
  r.post(
    '/api/admin/projections/:name/rebuild',
    {
      schema: {
        tags: ['administration'],
        summary: 'Rebuild a projection from the event log, without downtime, as a background job',
        params: z.object({ name: z.string() }),
        response: { 202: z.object({ jobId: z.string() }) },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin');
      const { name } = request.params;
      if (!deps.consumers.some((c) => c.name === name && c.kind === 'read-model')) throw notFound(`Projection ${name}`);
      const jobId = await deps.jobs.send(REBUILD_QUEUE, { name }, { singletonKey: name });
      return reply.code(202).send({ jobId: jobId ?? 'already-queued' });
    },
  );
}
