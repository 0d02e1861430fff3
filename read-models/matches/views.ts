import { z } from 'zod';

// What the matches query returns, GET /api/me/matches answers with, and web imports as types.

const rating = z.object({ averageRating: z.number().nullable(), ratingCount: z.number() });

export const matchView = z.object({
  member: z.object({
    id: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    timezone: z.string(),
    reputation: rating.extend({
      /** Their rating in each skill of `theyTeach` they have been rated in. */
      skills: z.array(rating.extend({ skill: z.string() })),
    }),
  }),
  theyTeach: z.array(z.string()).describe('Skills they teach that I want to learn, as they spell them'),
  theyLearn: z.array(z.string()).describe('Skills they want to learn that I teach, as they spell them'),
  reciprocal: z.boolean().describe('They also want to learn something I teach'),
  hoursApart: z.number().describe('Hours between our time zones now (may be a fraction)'),
  lastActiveAt: z.string(),
});
export type MatchView = z.infer<typeof matchView>;
