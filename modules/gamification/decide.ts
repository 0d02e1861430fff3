import { evolve, parseCause, type RewardEvent, type Rewards } from './rewards.ts';
import { hasStreak, POINTS, pointsForRating, SWAP_BADGES, TOP_RATED } from './rules.ts';

/** What happened elsewhere that may earn a member something, as the reactor reads it from other modules' events. */
export type Fact =
  | { kind: 'hosted'; memberId: string; sessionId: string; skill: string; attendeeIds: string[] }
  | { kind: 'attended'; memberId: string; sessionId: string; skill: string; week: number }
  | { kind: 'reviewed'; memberId: string; reviewId: string; skill: string }
  | { kind: 'rated'; memberId: string; reviewId: string; skill: string; rating: number }
  | { kind: 'rating-changed'; memberId: string; reviewId: string; rating: number | null; restored?: boolean }
  /** A swap was completed: each of its two members taught and learned (`skill`: the one they taught). */
  | { kind: 'swapped'; memberId: string; swapId: string; skill: string }
  /** A review was hidden or deleted (visible false) or restored (true); `cause` is that event, `<stream>:<version>`. */
  | { kind: 'review-visibility'; memberId: string; reviewId: string; visible: boolean; cause: string };

/** The awards a review gives: its author's for writing it, its host's for the rating. */
const REVIEW_AWARDS = ['reviewed', 'rated'] as const;

/**
 * Takes back the points a review gave the member (REVIEW_AWARDS) while it is not visible, and gives the same
 * points again when it is. An event older than the last one that moved them, on the same stream, is a replay:
 * it changes nothing, and neither does hiding what is hidden or restoring what counts.
 */
function followVisibility(fact: Extract<Fact, { kind: 'review-visibility' }>, state: Rewards): RewardEvent[] {
  const { stream, version } = parseCause(fact.cause);
  if ((state.causes.get(stream) ?? 0) >= version) return [];
  const events: RewardEvent[] = [];
  for (const reason of REVIEW_AWARDS) {
    const award = state.awards.get(`${reason}:${fact.reviewId}`);
    if (!award || award.points === 0 || award.withdrawn !== fact.visible) continue;
    const common = {
      memberId: fact.memberId,
      points: award.points,
      reason,
      ref: fact.reviewId,
      skill: award.skill,
    };
    events.push(
      fact.visible
        ? { type: 'PointsAwarded', data: { ...common, cause: fact.cause } }
        : { type: 'PointsWithdrawn', data: { ...common, awardedAt: award.awardedAt, cause: fact.cause } },
    );
  }
  return events;
}

function badgesEarned(s: Rewards): string[] {
  const swaps = [...s.rewarded].filter((r) => r.startsWith('swapped:')).length;
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
    ['first-swap', swaps >= 1],
    ['five-swaps', swaps >= SWAP_BADGES.five],
  ];
  return earned.filter(([key, ok]) => ok && !s.badges.has(key)).map(([key]) => key);
}

/**
 * Pure: the rewards a fact earns a member in their current state. Rewarding the same fact twice earns nothing,
 * so a replayed event changes nothing. Points follow content (a hidden or deleted review's points are taken back
 * until it is restored); badges are for good: a later change does not take one back.
 */
export function reward(fact: Fact, state: Rewards): RewardEvent[] {
  const { memberId } = fact;
  const events: RewardEvent[] = [];
  const once = (reason: 'hosted' | 'attended' | 'reviewed' | 'rated' | 'swapped', ref: string) =>
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
    case 'swapped':
      if (!once('swapped', fact.swapId)) return [];
      events.push({
        type: 'PointsAwarded',
        data: { memberId, points: POINTS.swapped, reason: 'swapped', ref: fact.swapId, skill: fact.skill },
      });
      break;
    case 'review-visibility':
      // Points only: badges stay, and the rating's tally follows its own fact (rating-changed).
      return followVisibility(fact, state);
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
