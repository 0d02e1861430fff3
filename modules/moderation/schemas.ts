// Moderation's request and response shapes: the validation, the OpenAPI description and the types, once.
import { z } from 'zod';
import { multiLine, timestamp } from '../../infra/http/index.ts';

export const note = multiLine({ min: 1, max: 1000, empty: 'is required' });
// In UTC (timestamp() passes it on so): one spelling of each instant, as the end is kept, shown and scheduled.
export const until = timestamp()
  .optional()
  .describe(
    'When the suspension ends by itself (ISO 8601, in the future); the member can sign in again from then. ' +
      'Left out: until a moderator lifts it.',
  );
export const spamFlag = z
  .boolean()
  .describe(
    'A spam account: its email address cannot be used to sign up again while it is suspended. Never read ' +
      'from the note or reason.',
  );
export const spam = spamFlag.default(false);
export const suspensionSchema = z.object({
  suspended: z.boolean(),
  until: z
    .string()
    .nullable()
    .describe('When the suspension ends by itself; null: until a moderator lifts it'),
  since: z.string().nullable(),
  reason: z.string().nullable(),
  forSpam: z.boolean(),
});

export const reportSchema = z.object({
  id: z.string(),
  status: z.enum(['open', 'resolved']),
  reason: z.string(),
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
    openReports: z.number(),
    openWeight: z.number(),
  }),
  action: z.string().nullable(),
  note: z.string().nullable(),
  moderatorId: z.string().nullable(),
  filedAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export const historySchema = z.array(
  z.object({ type: z.string(), at: z.string(), data: z.record(z.string(), z.unknown()) }),
);
