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
  setAside: z.number().describe('Events it could not apply and went on past (see the set-aside route)'),
  rebuildError: z.string().nullable().describe('Why its last rebuild failed; null once one succeeds'),
});
export type ProjectionStatus = z.infer<typeof projectionStatusView>;

/** An event a projector or reactor could not apply and went on past (set-aside.ts), as the admin API lists it. */
export const setAsideView = z.object({
  projector: z.string(),
  position: z.number().describe("The event's global position in the log"),
  streamId: z.string(),
  streamVersion: z.number(),
  type: z.string(),
  error: z.string(),
  tries: z.number().describe('Attempts that failed on it, the last with the event alone'),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
});
export type SetAsideView = z.infer<typeof setAsideView>;
