import { z } from 'zod';
import { cursorParam, multiLine, singleLine } from '../../infra/http/index.ts';
import { IDENTITY_LIMITS as L } from './limits.ts';
import { PASSWORD_RULE } from './password-strength.ts';

export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const email = singleLine({ max: L.emailMax }).pipe(z.email({ error: 'must be an email address' }));
// Passwords keep their spaces; a password is one line like any other field (a tab or NUL is refused).
const password = singleLine({
  min: L.passwordMin,
  max: L.passwordMax,
  trim: false,
  description: PASSWORD_RULE,
});
const givenPassword = singleLine({ max: L.passwordMax, trim: false });
const displayName = singleLine({ min: 1, max: L.nameMax });
const timezone = singleLine({ max: 100, trim: false }).refine(isTimeZone, {
  error: 'must be an IANA time zone such as Europe/Berlin',
});
const skillList = z
  .array(singleLine({ min: 1, max: L.skillMax }))
  .max(L.skillsMax, { error: `must list at most ${L.skillsMax} skills` });

export const signupBody = z.object({ email, password, displayName, timezone: timezone.optional() });
export const loginBody = z.object({ email: singleLine({ max: L.emailMax }), password: givenPassword });
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
    bio: multiLine({ max: L.bioMax, trim: false }).describe(
      'Markdown: the profile page renders it as the session page renders descriptions (no raw HTML, no images)',
    ),
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

export const mentorQuery = z.object({
  skill: singleLine({ max: 50 }).optional(),
  q: singleLine({ max: 200 }).optional(),
  minRating: z.coerce.number().min(0).max(5).optional(),
  sort: z.enum(['rating', 'sessions', 'recent']).default('rating'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorParam.optional(),
});
