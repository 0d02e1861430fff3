import { z } from 'zod';
import { PASSWORD_RULE } from './password-strength.ts';

export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const email = z
  .string({ error: 'is required' })
  .trim()
  .max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be an email address' }));
const password = z
  .string({ error: 'is required' })
  .min(10, { error: 'must be at least 10 characters' })
  .max(200, { error: 'must be at most 200 characters' })
  .meta({ description: PASSWORD_RULE });
const displayName = z
  .string({ error: 'is required' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(60, { error: 'must be at most 60 characters' });
const timezone = z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' });
const skillList = z
  .array(
    z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(50, { error: 'must be at most 50 characters' }),
  )
  .max(30, { error: 'must list at most 30 skills' });

export const signupBody = z.object({ email, password, displayName, timezone: timezone.optional() });
export const loginBody = z.object({ email: z.string().max(254), password: z.string().max(200) });
export const changePasswordBody = z.object({ currentPassword: z.string().max(200), newPassword: password });

export const profilePatch = z
  .object({
    displayName,
    bio: z.string().max(2000, { error: 'must be at most 2000 characters' }),
    // An https URL, or the path of an avatar uploaded here (what POST /api/me/avatar sets), or null.
    avatarUrl: z
      .union(
        [z.url({ protocol: /^https$/ }).max(2000), z.string().regex(/^\/api\/avatars\/[\w.-]{1,200}$/)],
        {
          error: 'must be an https URL',
        },
      )
      .nullable(),
    skillsToTeach: skillList,
    skillsToLearn: skillList,
    timezone,
  })
  .partial()
  .strict();

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
});

export const profileSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  bio: z.string(),
  avatarUrl: z.string().nullable(),
  skillsToTeach: z.array(z.string()),
  skillsToLearn: z.array(z.string()),
  timezone: z.string(),
  reputation: z.object({
    averageRating: z.number().nullable(),
    ratingCount: z.number(),
    sessionsHosted: z.number(),
    studentsTaught: z.number(),
    points: z.number(),
  }),
  badges: z.array(z.object({ key: z.string(), name: z.string(), awardedAt: z.string() })),
  joinedAt: z.string(),
  /** Per skill the member has hosted or been rated in: sessions and rating (GET /api/users/:id only). */
  skillStats: z
    .array(
      z.object({
        skill: z.string(),
        sessionsHosted: z.number(),
        averageRating: z.number().nullable(),
        ratingCount: z.number(),
      }),
    )
    .optional(),
});

export const mentorQuery = z.object({
  skill: z.string().trim().max(50).optional(),
  q: z.string().trim().max(200).optional(),
  minRating: z.coerce.number().min(0).max(5).optional(),
  sort: z.enum(['rating', 'sessions', 'recent']).default('rating'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});
