// A member's rewards, folded from their stream `rewards-<memberId>` (its events: events.ts).
import type { GamificationEvent } from './events.ts';

/** The events of a member's rewards stream: all of the module's. */
export type RewardEvent = GamificationEvent;

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
