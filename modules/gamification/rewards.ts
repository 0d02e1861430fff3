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
    /** Points given again (a review restored): the event that caused it, `<stream>:<version>`. */
    cause: z.string().optional(),
  }),
);

/**
 * Points taken back: the award for `reason` and `ref` no longer counts (its review was hidden or deleted).
 * `awardedAt` is when the award was recorded, so that a monthly board loses the points from the month that
 * had them; `cause` is the event that took them back, `<stream>:<version>`.
 */
export const PointsWithdrawn = defineEvent(
  'PointsWithdrawn',
  1,
  z.object({
    memberId: z.string(),
    points: z.number().int(),
    reason: z.enum(['hosted', 'attended', 'reviewed', 'rated']),
    ref: z.string(),
    skill: z.string(),
    awardedAt: z.string().nullable(),
    cause: z.string(),
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

export const gamificationEvents = [PointsAwarded, PointsWithdrawn, BadgeAwarded, RatingTallied];

type Data<D> = D extends { schema: infer S extends z.ZodType } ? z.output<S> : never;
export type GamificationEventData = {
  PointsAwarded: Data<typeof PointsAwarded>;
  PointsWithdrawn: Data<typeof PointsWithdrawn>;
  BadgeAwarded: Data<typeof BadgeAwarded>;
  RatingTallied: Data<typeof RatingTallied>;
};
export type RewardEvent = {
  [K in keyof GamificationEventData]: { type: K; data: GamificationEventData[K] };
}[keyof GamificationEventData];

/** The latest award for one `${reason}:${ref}`, and whether it has been taken back since. */
export type Award = { points: number; skill: string; awardedAt: string | null; withdrawn: boolean };

export type Rewards = {
  points: number;
  badges: Set<string>;
  /** `${reason}:${ref}`: what has been rewarded already, so nothing is rewarded twice. */
  rewarded: Set<string>;
  awards: Map<string, Award>;
  /** Per stream, the newest version of an event that took points back or gave them again: older ones are past. */
  causes: Map<string, number>;
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
  awards: new Map(),
  causes: new Map(),
  hosted: 0,
  students: new Set(),
  weeks: new Set(),
  skills: new Set(),
  ratings: new Map(),
});

/** `<stream>:<version>` → the stream and the version (stream ids hold no colon). */
export function parseCause(cause: string): { stream: string; version: number } {
  const at = cause.lastIndexOf(':');
  return { stream: cause.slice(0, at), version: Number(cause.slice(at + 1)) };
}

function withCause(causes: Map<string, number>, cause: string | undefined) {
  if (cause === undefined) return causes;
  const { stream, version } = parseCause(cause);
  return new Map(causes).set(stream, Math.max(version, causes.get(stream) ?? 0));
}

/** Stored events carry `recordedAt`: an award's time, for the month a withdrawal takes its points from. */
export function evolve(state: Rewards, event: RewardEvent & { recordedAt?: Date }): Rewards {
  switch (event.type) {
    case 'PointsAwarded': {
      const d = event.data;
      const key = `${d.reason}:${d.ref}`;
      const award = {
        points: d.points,
        skill: d.skill,
        awardedAt: event.recordedAt?.toISOString() ?? null,
        withdrawn: false,
      };
      const next = {
        ...state,
        points: state.points + d.points,
        rewarded: new Set(state.rewarded).add(key),
        awards: new Map(state.awards).set(key, award),
        causes: withCause(state.causes, d.cause),
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
    case 'PointsWithdrawn': {
      const d = event.data;
      const key = `${d.reason}:${d.ref}`;
      const award = state.awards.get(key);
      return {
        ...state,
        points: state.points - d.points,
        awards: award ? new Map(state.awards).set(key, { ...award, withdrawn: true }) : state.awards,
        causes: withCause(state.causes, d.cause),
      };
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
