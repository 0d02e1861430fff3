// What the leaderboard query returns and GET /api/leaderboard answers with (zod once; the type derived).
import { z } from 'zod';

export const leaderboardEntryView = z.object({
  rank: z.number(),
  user: z.object({ id: z.string(), displayName: z.string() }),
  points: z.number(),
});
export type LeaderboardEntryView = z.infer<typeof leaderboardEntryView>;
