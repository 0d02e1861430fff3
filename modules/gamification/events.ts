import { z } from 'zod';
import { defineEvent, type EventDataOf, type EventsOf } from '../../infra/event-store/index.ts';

// One stream per member, `rewards-<memberId>`, written only by the gamification reactor: the points and badges a
// member earned, and the facts the badge rules count (which sessions, students, weeks, skills, ratings).

/** What points are for; `swapped`: a completed swap, to each of its two members. */
const REASONS = ['hosted', 'attended', 'reviewed', 'rated', 'swapped'] as const;

export const PointsAwarded = defineEvent(
  'PointsAwarded',
  1,
  z.object({
    memberId: z.string(),
    points: z.number().int(),
    reason: z.enum(REASONS),
    /** The session or review the points are for (the swap, for swapped). */
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
    reason: z.enum(REASONS),
    ref: z.string(),
    skill: z.string(),
    awardedAt: z.string().nullable(),
    cause: z.string(),
  }),
);

/**
 * The badges a BadgeAwarded may name, by key, with the name members see: part of what the event means, so that a
 * read model can show a badge without asking the module for its rules.
 */
export const BADGE_NAMES = {
  'first-session-hosted': 'First session hosted',
  'sessions-10': '10 sessions hosted',
  'sessions-50': '50 sessions hosted',
  'students-100': '100 students taught',
  'top-rated': 'Top-rated mentor',
  'first-review': 'First review',
  'learning-streak': 'Learning streak',
  'five-skills': 'Five skills learned',
  'first-swap': 'First swap',
  'five-swaps': 'Five swaps',
} as const;
export type BadgeKey = keyof typeof BADGE_NAMES;

/** A badge's name; a key of a badge since retired reads as itself. */
export const badgeName = (key: string): string => BADGE_NAMES[key as BadgeKey] ?? key;

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

/** Every event the gamification module publishes. */
export type GamificationEvent = EventsOf<typeof gamificationEvents>;
export type GamificationEventData = EventDataOf<GamificationEvent>;
