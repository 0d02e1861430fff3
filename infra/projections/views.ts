// A projector's or reactor's progress, as GET /api/admin/projections answers and the admin dashboard shows it
// (zod once; the type derived). Machinery, not domain: it names no read model.
import { z } from 'zod';

export const projectionStatusView = z.object({
  name: z.string(),
  kind: z.enum(['read-model', 'reactor']),
  position: z.number(),
  headPosition: z.number(),
  /** Committed events it has not processed yet. */
  lag: z.number(),
  status: z.enum(['running', 'rebuilding', 'stopped', 'failing']),
  rebuildPosition: z.number().nullable(),
  lastError: z.string().nullable(),
});
export type ProjectionStatus = z.infer<typeof projectionStatusView>;
