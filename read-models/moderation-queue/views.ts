// What the moderation-queue queries return and the moderation routes answer with (zod once; types derived).
import { z } from 'zod';

export const reportView = z.object({
  id: z.string(),
  status: z.enum(['open', 'resolved']),
  reason: z.string(),
  /** What the reporter said it is about (reports from before categories, and system flags: other). */
  category: z.enum(['spam', 'harassment', 'inappropriate', 'other']),
  weight: z.number(),
  source: z.enum(['member', 'system']),
  reporterId: z.string(),
  target: z.object({
    type: z.string(),
    id: z.string(),
    ownerId: z.string(),
    preview: z.string(),
    hidden: z.boolean(),
    /** Every open report on this target, and the sum of their weights (the queue's order). */
    openReports: z.number(),
    openWeight: z.number(),
  }),
  action: z.string().nullable(),
  note: z.string().nullable(),
  moderatorId: z.string().nullable(),
  filedAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type ReportView = z.infer<typeof reportView>;

/** How many of a reporter's resolved reports were upheld (hide, suspend) or dismissed. */
export const reporterRecordView = z.object({ upheld: z.number(), dismissed: z.number() });
export type ReporterRecordView = z.infer<typeof reporterRecordView>;
