import type { PoolClient } from '../../infra/db/index.ts';
import { defineProjector, type RunOf } from '../../infra/projections/index.ts';
import type { GamificationEvent } from '../../modules/gamification/events.ts';
import { DELETED_NAME, type IdentityEvent } from '../../modules/identity/events.ts';
import { monthOf } from './period.ts';

/** The last name of each member in the run is what one upsert per event would have left. */
async function name(
  db: PoolClient,
  run: RunOf<IdentityEvent, 'MemberSignedUp' | 'ProfileUpdated' | 'MemberDeleted'>,
) {
  const names = new Map<string, string>();
  for (const e of run) {
    const d = e.type === 'MemberDeleted' ? { ...e.data, displayName: DELETED_NAME } : e.data;
    if (d.displayName !== undefined) names.set(d.memberId, d.displayName);
  }
  if (names.size === 0) return;
  await db.query(
    `INSERT INTO leaderboard_people (member_id, display_name) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (member_id) DO UPDATE SET display_name = excluded.display_name`,
    [[...names.keys()], [...names.values()]],
  );
}

/** Points added up per row (member, period, skill) in memory, then one upsert for every row the run touches. */
async function count(db: PoolClient, run: RunOf<GamificationEvent, 'PointsAwarded' | 'PointsWithdrawn'>) {
  const rows = new Map<string, { member: string; period: string; skill: string; points: number }>();
  const add = (member: string, period: string, skill: string, points: number) => {
    const key = `${member}\u0000${period}\u0000${skill}`;
    const row = rows.get(key) ?? { member, period, skill, points: 0 };
    row.points += points;
    rows.set(key, row);
  };
  for (const event of run) {
    const d = event.data;
    if (d.points === 0) continue;
    // Points taken back leave the month they were awarded in.
    const awardedAt = event.type === 'PointsWithdrawn' ? event.data.awardedAt : null;
    const points = event.type === 'PointsWithdrawn' ? -d.points : d.points;
    const skill = d.skill.toLowerCase();
    for (const period of ['all', monthOf(awardedAt ? new Date(awardedAt) : event.recordedAt)]) {
      add(d.memberId, period, '', points);
      if (skill) add(d.memberId, period, skill, points);
    }
  }
  if (rows.size === 0) return;
  const list = [...rows.values()];
  await db.query(
    `INSERT INTO leaderboard_points (member_id, period, skill_key, points)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
     ON CONFLICT (period, skill_key, member_id) DO UPDATE SET points = leaderboard_points.points + excluded.points`,
    [
      list.map((r) => r.member),
      list.map((r) => r.period),
      list.map((r) => r.skill),
      list.map((r) => r.points),
    ],
  );
}

/** Leaderboards: points per member all time ('all') and per month, each overall (skill '') and per skill. */
export const leaderboardsProjector = defineProjector<IdentityEvent | GamificationEvent>({
  name: 'leaderboards',
  tables: ['leaderboard_points', 'leaderboard_people'],
  on: {
    MemberSignedUp: name,
    ProfileUpdated: name,
    MemberDeleted: name,
    PointsAwarded: count,
    PointsWithdrawn: count,
  },
});
