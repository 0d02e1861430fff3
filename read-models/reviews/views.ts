// What the reviews queries return and the feedback routes answer with (zod once; the type derived from it).
import { z } from 'zod';

export const reviewView = z.object({
  id: z.string(),
  sessionId: z.string(),
  sessionTitle: z.string(),
  skill: z.string(),
  hostId: z.string(),
  author: z.object({ id: z.string(), displayName: z.string() }),
  rating: z.number(),
  comment: z.string(),
  reply: z.object({ text: z.string(), at: z.string() }).nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  /**
   * A swap review not yet revealed (until the partner's review is written, or 14 days): only its author and
   * moderators are shown it.
   */
  sealed: z.boolean(),
});
export type ReviewView = z.infer<typeof reviewView>;
