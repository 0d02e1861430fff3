// Every rule of points and badges, in one place. GET /api/badges and the /badges page publish these texts.
import { BADGE_NAMES, type BadgeKey } from './events.ts';

export const POINTS = {
  hostedBase: 10,
  hostedPerAttendee: 2,
  attended: 5,
  reviewed: 3,
  ratedFive: 5,
  ratedFour: 2,
  swapped: 15,
} as const;

export const POINT_RULES = [
  {
    key: 'hosted',
    rule: `Host a session that is completed: ${POINTS.hostedBase} points plus ${POINTS.hostedPerAttendee} per attendee.`,
  },
  { key: 'attended', rule: `Attend a session: ${POINTS.attended} points.` },
  {
    key: 'reviewed',
    rule:
      `Review a session you attended: ${POINTS.reviewed} points. They go while moderation hides the review or ` +
      'once you delete it, and come back if it is restored.',
  },
  {
    key: 'rated',
    rule:
      `Receive a 5-star review: ${POINTS.ratedFive} points; a 4-star review: ${POINTS.ratedFour} points, as rated ` +
      'when written (a swap review: as rated when it is revealed, once both members have written theirs or 14 ' +
      'days have passed). They go while the review is hidden or once it is deleted, and come back if it is ' +
      'restored.',
  },
  {
    key: 'swapped',
    rule: `Complete a swap, both of you having taught and learned: ${POINTS.swapped} points each.`,
  },
];

// Points follow content: a review's points (its author's for writing it, its host's for the rating it gave) are
// taken back while it is hidden and for good once deleted, and given again, the same points, when moderation
// restores it. Fair to both sides: a review that does not count earns nobody anything. Badges are not taken back
// (a first-review badge stays): they mark that something happened, and the rating averages behind top-rated
// already leave hidden and deleted reviews out.

export const TOP_RATED = { minAverage: 4.8, minRatings: 10 } as const;
export const STREAK_WEEKS = 4;
export const SWAP_BADGES = { five: 5 } as const;

/** The rule that earns each badge (every badge of BADGE_NAMES has one: a missing rule does not compile). */
const BADGE_RULES: Record<BadgeKey, string> = {
  'first-session-hosted': 'Host your first completed session.',
  'sessions-10': 'Host 10 completed sessions.',
  'sessions-50': 'Host 50 completed sessions.',
  'students-100': 'Teach 100 different members in completed sessions.',
  'top-rated': `An average rating of at least ${TOP_RATED.minAverage} over at least ${TOP_RATED.minRatings} visible reviews.`,
  'first-review': 'Write your first review.',
  'learning-streak': `Attend sessions in ${STREAK_WEEKS} consecutive weeks (Monday to Sunday, UTC).`,
  'five-skills': 'Attend sessions in five different skills.',
  'first-swap': 'Complete your first swap.',
  'five-swaps': `Complete ${SWAP_BADGES.five} swaps.`,
};

/** The badge catalogue as GET /api/badges publishes it: key, the name BadgeAwarded's key stands for, the rule. */
export const BADGES = (Object.keys(BADGE_NAMES) as BadgeKey[]).map((key) => ({
  key,
  name: BADGE_NAMES[key],
  rule: BADGE_RULES[key],
}));

/** Monday-based week number since 1970 (1 Jan 1970 was a Thursday), in UTC. */
export function weekNumber(iso: string): number {
  const days = Math.floor(Date.parse(iso) / 86400_000);
  return Math.floor((days + 3) / 7);
}

export function hasStreak(weeks: Iterable<number>, length = STREAK_WEEKS): boolean {
  const set = new Set(weeks);
  for (const w of set) {
    let run = 1;
    while (set.has(w + run)) run++;
    if (run >= length) return true;
  }
  return false;
}

export function pointsForRating(rating: number): number {
  return rating === 5 ? POINTS.ratedFive : rating === 4 ? POINTS.ratedFour : 0;
}
