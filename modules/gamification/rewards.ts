import { z } from 'zod';
import { defineEvent } from '../../infra/event-store/index.ts';

// One stream per member, `rewards-<memberId>`, written only by the gamification reactor: the points and badges a
// member earned, and the facts the badge rules count (which sessions, students, weeks, skills, ratings).

export const PointsAwarded = defineEvent(
  'PointsAwarded',
  1,
  z.object({
    memberId: z.string(),
    points: z.number().int(),
    reason: z.enum(['hosted', 'attended', 'reviewed', 'rated']),
    /** The session or review the points are for. */
    ref: z.string(),
    skill: z.string(),
    /** Hosted: the attendees; attended: the week number of the session. */
    students: z.array(z.string()).optional(),
    week: z.number().int().optional(),
  }),
);

export const BadgeAwarded = defineEvent(
  'BadgeAwarded',
  1,
  z.object({ memberId: z.string(), badge: z.string() }),
);

/** A rating a host received counts (or, with null, no longer counts: deleted or hidden). */
export const RatingTallied = defineEvent(
  'RatingTallied',
  1,
  z.object({ memberId: z.string(), reviewId: z.string(), rating: z.number().int().min(1).max(5).nullable() }),
);

export const gamificationEvents = [PointsAwarded, BadgeAwarded, RatingTallied];

type Data<D> = D extends { schema: infer S extends z.ZodType } ? z.output<S> : never;
export type GamificationEventData = {
  PointsAwarded: Data<typeof PointsAwarded>;
  BadgeAwarded: Data<typeof BadgeAwarded>;
  RatingTallied: Data<typeof RatingTallied>;
};
export type RewardEvent = {
  [K in keyof GamificationEventData]: { type: K; data: GamificationEventData[K] };
}[keyof GamificationEventData];

export type Rewards = {
  points: number;
  badges: Set<string>;
  /** `${reason}:${ref}`: what has been rewarded already, so nothing is rewarded twice. */
  rewarded: Set<string>;
  hosted: number;
  students: Set<string>;
  weeks: Set<number>;
  skills: Set<string>;
  ratings: Map<string, number>;
};

export const initialRewards = (): Rewards => ({
  points: 0,
  badges: new Set(),
  rewarded: new Set(),
  hosted: 0,
  students: new Set(),
  weeks: new Set(),
  skills: new Set(),
  ratings: new Map(),
});

export function evolve(state: Rewards, event: RewardEvent): Rewards {
  switch (event.type) {
    case 'PointsAwarded': {
      const d = event.data;
      const next = {
        ...state,
        points: state.points + d.points,
        rewarded: new Set(state.rewarded).add(`${d.reason}:${d.ref}`),
      };
      if (d.reason === 'hosted') {
        next.hosted = state.hosted + 1;
        next.students = new Set([...state.students, ...(d.students ?? [])]);
      }
      if (d.reason === 'attended') {
        next.weeks = d.week === undefined ? state.weeks : new Set(state.weeks).add(d.week);
        next.skills = new Set(state.skills).add(d.skill.toLowerCase());
      }
      return next;
    }
    case 'BadgeAwarded':
      return { ...state, badges: new Set(state.badges).add(event.data.badge) };
    case 'RatingTallied': {
      const ratings = new Map(state.ratings);
      if (event.data.rating === null) ratings.delete(event.data.reviewId);
      else ratings.set(event.data.reviewId, event.data.rating);
      return { ...state, ratings };
    }
  }
}
