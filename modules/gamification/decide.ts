import { evolve, type RewardEvent, type Rewards } from './rewards.ts';
import { hasStreak, POINTS, pointsForRating, TOP_RATED } from './rules.ts';

/** What happened elsewhere that may earn a member something, as the reactor reads it from other modules' events. */
export type Fact =
  | { kind: 'hosted'; memberId: string; sessionId: string; skill: string; attendeeIds: string[] }
  | { kind: 'attended'; memberId: string; sessionId: string; skill: string; week: number }
  | { kind: 'reviewed'; memberId: string; reviewId: string; skill: string }
  | { kind: 'rated'; memberId: string; reviewId: string; skill: string; rating: number }
  | { kind: 'rating-changed'; memberId: string; reviewId: string; rating: number | null; restored?: boolean };

function badgesEarned(s: Rewards): string[] {
  const average = s.ratings.size ? [...s.ratings.values()].reduce((a, b) => a + b, 0) / s.ratings.size : 0;
  const earned: [string, boolean][] = [
    ['first-session-hosted', s.hosted >= 1],
    ['sessions-10', s.hosted >= 10],
    ['sessions-50', s.hosted >= 50],
    ['students-100', s.students.size >= 100],
    ['top-rated', s.ratings.size >= TOP_RATED.minRatings && average >= TOP_RATED.minAverage],
    ['first-review', [...s.rewarded].some((r) => r.startsWith('reviewed:'))],
    ['learning-streak', hasStreak(s.weeks)],
    ['five-skills', s.skills.size >= 5],
  ];
  return earned.filter(([key, ok]) => ok && !s.badges.has(key)).map(([key]) => key);
}

/**
 * Pure: the rewards a fact earns a member in their current state. Rewarding the same fact twice earns nothing,
 * so a replayed event changes nothing. Badges are for good: a later change does not take one back.
 */
export function reward(fact: Fact, state: Rewards): RewardEvent[] {
  const { memberId } = fact;
  const events: RewardEvent[] = [];
  const once = (reason: 'hosted' | 'attended' | 'reviewed' | 'rated', ref: string) =>
    !state.rewarded.has(`${reason}:${ref}`);
  switch (fact.kind) {
    case 'hosted':
      if (!once('hosted', fact.sessionId)) return [];
      events.push({
        type: 'PointsAwarded',
        data: {
          memberId,
          points: POINTS.hostedBase + POINTS.hostedPerAttendee * fact.attendeeIds.length,
          reason: 'hosted',
          ref: fact.sessionId,
          skill: fact.skill,
          students: fact.attendeeIds,
        },
      });
      break;
    case 'attended':
      if (!once('attended', fact.sessionId)) return [];
      events.push({
        type: 'PointsAwarded',
        data: {
          memberId,
          points: POINTS.attended,
          reason: 'attended',
          ref: fact.sessionId,
          skill: fact.skill,
          week: fact.week,
        },
      });
      break;
    case 'reviewed':
      if (!once('reviewed', fact.reviewId)) return [];
      events.push({
        type: 'PointsAwarded',
        data: {
          memberId,
          points: POINTS.reviewed,
          reason: 'reviewed',
          ref: fact.reviewId,
          skill: fact.skill,
        },
      });
      break;
    case 'rated': {
      if (!once('rated', fact.reviewId)) return [];
      events.push({
        type: 'RatingTallied',
        data: { memberId, reviewId: fact.reviewId, rating: fact.rating },
      });
      events.push({
        type: 'PointsAwarded',
        data: {
          memberId,
          points: pointsForRating(fact.rating),
          reason: 'rated',
          ref: fact.reviewId,
          skill: fact.skill,
        },
      });
      break;
    }
    case 'rating-changed': {
      // Only ratings that are still tallied move: a change to a review we never counted is ignored. Only a
      // restoration brings an untallied rating back: the author can still edit a review moderation hid (feedback
      // does not know it is hidden), and that edit used to count the hidden rating again, towards top-rated.
      if (!state.ratings.has(fact.reviewId) && !(fact.restored && fact.rating !== null)) return [];
      if (state.ratings.get(fact.reviewId) === fact.rating) return [];
      events.push({
        type: 'RatingTallied',
        data: { memberId, reviewId: fact.reviewId, rating: fact.rating },
      });
      break;
    }
  }
  const after = events.reduce(evolve, state);
  for (const badge of badgesEarned(after)) events.push({ type: 'BadgeAwarded', data: { memberId, badge } });
  return events;
}
