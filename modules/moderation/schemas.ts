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
export type Suspension = z.infer<typeof suspensionSchema>;
/** GET /api/moderation/users/:id/suspension. `staff`: a moderator or an admin, whom only an admin may suspend. */
export const memberSuspensionSchema = z.object({
  memberId: z.string(),
  staff: z.boolean(),
  suspension: suspensionSchema,
});
export type MemberSuspension = z.infer<typeof memberSuspensionSchema>;

export const historySchema = z.array(
  z.object({ type: z.string(), at: z.string(), data: z.record(z.string(), z.unknown()) }),
);
export type HistoryEntry = z.infer<typeof historySchema>[number];
