import type { Queryable } from '../../infra/db/index.ts';
import { monthOf } from './period.ts';
import type { LeaderboardEntryView } from './views.ts';

/** Ranked by points; members with equal points share a rank (1, 2, 2, 4). */
export async function leaderboard(
  db: Queryable,
  query: { period: 'all' | 'month'; skill?: string | undefined; limit: number },
  now = new Date(),
): Promise<LeaderboardEntryView[]> {
  const period = query.period === 'all' ? 'all' : monthOf(now);
  const { rows } = await db.query<{
    rank: number;
    member_id: string;
    display_name: string | null;
    points: number;
  }>(
    `SELECT rank() OVER (ORDER BY p.points DESC) AS rank, p.member_id, n.display_name, p.points
       FROM leaderboard_points p LEFT JOIN leaderboard_people n ON n.member_id = p.member_id
      WHERE p.period = $1 AND p.skill_key = $2 AND p.points > 0
      ORDER BY p.points DESC, n.display_name, p.member_id
      LIMIT $3`,
    [period, (query.skill ?? '').trim().replace(/\s+/g, ' ').toLowerCase(), query.limit],
  );
  return rows.map((r) => ({
    rank: r.rank,
    user: { id: r.member_id, displayName: r.display_name ?? 'Member' },
    points: r.points,
  }));
}
