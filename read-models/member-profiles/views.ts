// What the member-profiles queries return and the identity routes answer with (zod once; types derived).
import { z } from 'zod';

export const reputationView = z.object({
  averageRating: z.number().nullable(),
  ratingCount: z.number(),
  sessionsHosted: z.number(),
  /**
   * Share of the host's past sessions that were held: completed / (completed + not held). Cancelled ones do not
   * count. Null before a first session held or not held.
   */
  reliability: z
    .number()
    .nullable()
    .describe(
      'Share of past sessions held: completed / (completed + not held); cancelled ones do not count; null before any',
    ),
  studentsTaught: z.number(),
  points: z.number(),
});
export type ReputationView = z.infer<typeof reputationView>;

/** Give and take: hours of completed sessions taught (as host) and learned (marked present), and the balance. */
export const hoursView = z.object({
  taught: z.number().describe('Hours taught as host in completed sessions, to the tenth'),
  learned: z.number().describe('Hours learned as a present attendee of completed sessions, to the tenth'),
  balance: z.number().describe('taught - learned: above 0, the member has given more than taken'),
});
export type HoursView = z.infer<typeof hoursView>;

export const skillStatView = z.object({
  skill: z.string(),
  sessionsHosted: z.number(),
  averageRating: z.number().nullable(),
  ratingCount: z.number(),
});
export type SkillStatView = z.infer<typeof skillStatView>;

export const badgeView = z.object({ key: z.string(), name: z.string(), awardedAt: z.string() });
export type BadgeView = z.infer<typeof badgeView>;

/** A member's public profile. */
export const profileView = z.object({
  id: z.string(),
  displayName: z.string(),
  bio: z.string(),
  avatarUrl: z.string().nullable(),
  skillsToTeach: z.array(z.string()),
  skillsToLearn: z.array(z.string()),
  timezone: z.string(),
  reputation: reputationView,
  hours: hoursView,
  badges: z.array(badgeView),
  joinedAt: z.string(),
  /** Per skill the member has hosted or been rated in: sessions and rating (GET /api/users/:id only). */
  skillStats: z.array(skillStatView).optional(),
});
export type ProfileView = z.infer<typeof profileView>;

/** A member's own account: what only they (and the server) see. */
export const accountView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  suspended: z.boolean(),
  /** When the suspension ends by itself (ISO); null when not suspended or suspended until lifted. */
  suspendedUntil: z.string().nullable(),
});
export type AccountView = z.infer<typeof accountView>;

/** The signed-in member as the auth routes answer and the pages know them (Astro.locals.user). */
export const userView = accountView.pick({ id: true, email: true, displayName: true, roles: true });
export type UserView = z.infer<typeof userView>;
