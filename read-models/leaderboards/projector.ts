import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import type { GamificationEventData } from '../../modules/gamification/index.ts';
import { DELETED_NAME, type IdentityEventData } from '../../modules/identity/index.ts';
import { monthOf } from './period.ts';

/**
 * Leaderboards: points per member all time ('all') and per month, each overall (skill '') and per skill.
 * Points taken back leave the month they were awarded in. Set-based: one upsert per batch for all the rows the
 * batch touches, and one for the names.
 */
export const leaderboardsProjector: Projector = {
  name: 'leaderboards',
  kind: 'read-model',
  tables: ['leaderboard_points', 'leaderboard_people'],
  eventTypes: ['MemberSignedUp', 'ProfileUpdated', 'MemberDeleted', 'PointsAwarded', 'PointsWithdrawn'],
  handle: async (client, events: StoredEvent[]) => {
    const rows = new Map<string, { member: string; period: string; skill: string; points: number }>();
    const names = new Map<string, string>();
    const add = (member: string, period: string, skill: string, points: number) => {
      const key = `${member}\u0000${period}\u0000${skill}`;
      const row = rows.get(key) ?? { member, period, skill, points: 0 };
      row.points += points;
      rows.set(key, row);
    };
    for (const event of events) {
      if (event.type === 'PointsAwarded' || event.type === 'PointsWithdrawn') {
        const d = event.data as GamificationEventData['PointsAwarded' | 'PointsWithdrawn'];
        if (d.points === 0) continue;
        const withdrawn = event.type === 'PointsWithdrawn';
        const awardedAt = withdrawn ? (d as GamificationEventData['PointsWithdrawn']).awardedAt : null;
        const points = withdrawn ? -d.points : d.points;
        const skill = d.skill.toLowerCase();
        for (const period of ['all', monthOf(awardedAt ? new Date(awardedAt) : event.recordedAt)]) {
          add(d.memberId, period, '', points);
          if (skill) add(d.memberId, period, skill, points);
        }
        continue;
      }
      const d =
        event.type === 'MemberDeleted'
          ? { memberId: (event.data as { memberId: string }).memberId, displayName: DELETED_NAME }
          : (event.data as IdentityEventData['ProfileUpdated']);
      if (d.displayName === undefined) continue;
      // The last name in the batch is what one upsert per event would have left.
      names.set(d.memberId, d.displayName);
    }
    if (names.size > 0) {
      await client.query(
        `INSERT INTO leaderboard_people (member_id, display_name) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (member_id) DO UPDATE SET display_name = excluded.display_name`,
        [[...names.keys()], [...names.values()]],
      );
    }
    if (rows.size === 0) return;
    const list = [...rows.values()];
    await client.query(
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
  },
};
