import { z } from 'zod';
import { cursorParam, multiLine, singleLine } from '../../infra/http/index.ts';
import { PASSWORD_RULE } from './password-strength.ts';

export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const email = singleLine({ max: 254 }).pipe(z.email({ error: 'must be an email address' }));
// Passwords keep their spaces; a password is one line like any other field (a tab or NUL is refused).
const password = singleLine({ min: 10, max: 200, trim: false, description: PASSWORD_RULE });
const givenPassword = singleLine({ max: 200, trim: false });
const displayName = singleLine({ min: 1, max: 60 });
const timezone = singleLine({ max: 100, trim: false }).refine(isTimeZone, {
  error: 'must be an IANA time zone such as Europe/Berlin',
});
const skillList = z.array(singleLine({ min: 1, max: 50 })).max(30, { error: 'must list at most 30 skills' });

export const signupBody = z.object({ email, password, displayName, timezone: timezone.optional() });
export const loginBody = z.object({ email: singleLine({ max: 254 }), password: givenPassword });
export const changePasswordBody = z.object({ currentPassword: givenPassword, newPassword: password });
export const deleteAccountBody = z.object({ password: givenPassword });
export const passwordResetBody = z.object({ email });
export const passwordResetConfirmBody = z.object({
  token: singleLine({ min: 1, max: 200, trim: false }),
  newPassword: password,
});

export const profilePatch = z
  .object({
    displayName,
    bio: multiLine({ max: 2000, trim: false }),
    // An https URL, or the path of an avatar uploaded here (what POST /api/me/avatar sets), or null.
    avatarUrl: singleLine({ max: 2000, trim: false })
      .pipe(
        z.union([z.url({ protocol: /^https$/ }), z.string().regex(/^\/api\/avatars\/[\w.-]{1,200}$/)], {
          error: 'must be an https URL',
        }),
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
  skill: singleLine({ max: 50 }).optional(),
  q: singleLine({ max: 200 }).optional(),
  minRating: z.coerce.number().min(0).max(5).optional(),
  sort: z.enum(['rating', 'sessions', 'recent']).default('rating'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorParam.optional(),
});
