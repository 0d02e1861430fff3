import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { FeedbackEventData } from '../../modules/feedback/index.ts';
import type { GamificationEventData } from '../../modules/gamification/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';

// Reputation figures of member_profiles, kept from the facts they are computed from: distinct students in
// reputation_students, every rating in reputation_ratings (hidden and deleted reviews stop counting), sessions and ratings per skill in mentor_skill_stats, badges in member_badges.

export const REPUTATION_EVENTS = [
  'SessionCompleted',
  'ReviewSubmitted',
  'ReviewEdited',
  'ReviewDeleted',
  'ContentHidden',
  'ContentRestored',
  'PointsAwarded',
  'PointsWithdrawn',
  'BadgeAwarded',
];

async function recountRatings(client: PoolClient, hostId: string) {
  await client.query(
    `UPDATE member_profiles p SET average_rating = r.average, rating_count = r.n
       FROM (SELECT avg(rating)::numeric(4,3) AS average, count(*)::int AS n
               FROM reputation_ratings WHERE host_id = $1 AND NOT deleted AND NOT hidden) r
      WHERE p.member_id = $1`,
    [hostId],
  );
  await client.query(
    `UPDATE mentor_skill_stats s SET average_rating = r.average, rating_count = coalesce(r.n, 0)
       FROM (SELECT s2.skill_key, avg(rr.rating)::numeric(4,3) AS average, count(rr.rating)::int AS n
               FROM mentor_skill_stats s2
               LEFT JOIN reputation_ratings rr ON rr.host_id = s2.member_id AND lower(rr.skill) = s2.skill_key AND NOT rr.deleted AND NOT rr.hidden
              WHERE s2.member_id = $1 GROUP BY s2.skill_key) r
      WHERE s.member_id = $1 AND s.skill_key = r.skill_key`,
    [hostId],
  );
}

async function mark(client: PoolClient, reviewId: string, column: 'deleted' | 'hidden', value: boolean) {
  const { rows } = await client.query<{ host_id: string }>(
    `UPDATE reputation_ratings SET ${column} = $2 WHERE review_id = $1 RETURNING host_id`,
    [reviewId, value],
  );
  if (rows[0]) await recountRatings(client, rows[0].host_id);
}

export async function applyReputation(client: PoolClient, event: StoredEvent): Promise<void> {
  switch (event.type) {
    case 'SessionCompleted': {
      const d = event.data as SessionEventData['SessionCompleted'];
      await client.query(
        `INSERT INTO reputation_students (host_id, student_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [d.hostId, d.attendeeIds],
      );
      await client.query(
        `UPDATE member_profiles SET sessions_hosted = sessions_hosted + 1,
           students_taught = (SELECT count(*) FROM reputation_students WHERE host_id = $1)
         WHERE member_id = $1`,
        [d.hostId],
      );
      await client.query(
        `INSERT INTO mentor_skill_stats (member_id, skill_key, skill, sessions_hosted) VALUES ($1, lower($2), $2, 1)
         ON CONFLICT (member_id, skill_key) DO UPDATE SET sessions_hosted = mentor_skill_stats.sessions_hosted + 1`,
        [d.hostId, d.skill],
      );
      return;
    }
    case 'ReviewSubmitted': {
      const d = event.data as FeedbackEventData['ReviewSubmitted'];
      await client.query(
        `INSERT INTO reputation_ratings (review_id, host_id, skill, rating) VALUES ($1, $2, $3, $4)
         ON CONFLICT (review_id) DO NOTHING`,
        [d.reviewId, d.hostId, d.skill, d.rating],
      );
      await client.query(
        `INSERT INTO mentor_skill_stats (member_id, skill_key, skill) VALUES ($1, lower($2), $2) ON CONFLICT DO NOTHING`,
        [d.hostId, d.skill],
      );
      return recountRatings(client, d.hostId);
    }
    case 'ReviewEdited': {
      const d = event.data as FeedbackEventData['ReviewEdited'];
      if (d.rating === undefined) return;
      await client.query('UPDATE reputation_ratings SET rating = $2 WHERE review_id = $1', [
        d.reviewId,
        d.rating,
      ]);
      return recountRatings(client, d.hostId);
    }
    case 'ReviewDeleted':
      return mark(client, (event.data as FeedbackEventData['ReviewDeleted']).reviewId, 'deleted', true);
    case 'ContentHidden':
    case 'ContentRestored': {
      const d = event.data as { targetType: string; targetId: string };
      if (d.targetType !== 'review') return;
      return mark(client, d.targetId, 'hidden', event.type === 'ContentHidden');
    }
    case 'PointsAwarded':
    case 'PointsWithdrawn': {
      const d = event.data as GamificationEventData['PointsAwarded'];
      await client.query('UPDATE member_profiles SET points = points + $2 WHERE member_id = $1', [
        d.memberId,
        event.type === 'PointsWithdrawn' ? -d.points : d.points,
      ]);
      return;
    }
    case 'BadgeAwarded': {
      const d = event.data as GamificationEventData['BadgeAwarded'];
      await client.query(
        `INSERT INTO member_badges (member_id, badge, awarded_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [d.memberId, d.badge, event.recordedAt],
      );
      return;
    }
  }
}
