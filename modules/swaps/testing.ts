// Helpers for the swaps tests (test files only): members with skills, their roles, requests.
import type { Platform } from '../../infra/platform.ts';
import { changeRole } from '../identity/index.ts';
import { signUpAs } from '../testing.ts';

export type Member = { id: string; email: string; displayName: string; cookie: string };
export const DAY = 86400_000;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One request as `who` (null: signed out). */
export function call(
  app: Platform,
  who: { cookie: string } | null,
  method: Method,
  url: string,
  payload?: unknown,
) {
  return app.http.inject({
    method,
    url,
    headers: who ? { cookie: who.cookie } : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** A member who teaches and learns the skills given (on their profile), in a time zone. */
export async function member(
  app: Platform,
  displayName: string,
  skills: { teach?: string[]; learn?: string[]; timezone?: string } = {},
): Promise<Member> {
  const { user, cookie } = await signUpAs(app, {
    displayName,
    ...(skills.timezone ? { timezone: skills.timezone } : {}),
  });
  const m = { id: user.id, email: user.email, displayName: user.displayName, cookie };
  if (skills.teach || skills.learn) {
    const res = await call(app, m, 'PATCH', '/api/me/profile', {
      skillsToTeach: skills.teach ?? [],
      skillsToLearn: skills.learn ?? [],
    });
    if (res.statusCode !== 200) throw new Error(`profile update failed: ${res.statusCode} ${res.body}`);
  }
  return m;
}

export async function moderator(app: Platform, displayName = 'Mod'): Promise<Member> {
  const m = await member(app, displayName);
  await changeRole(app, m.email, 'moderator', true, { actorId: null });
  return m;
}

export async function suspend(app: Platform, by: Member, who: Member) {
  const res = await call(app, by, 'POST', `/api/moderation/users/${who.id}/suspend`, { reason: 'spam' });
  if (res.statusCode !== 200) throw new Error(`suspension failed: ${res.statusCode} ${res.body}`);
}

/** Proposes a swap and returns the answer. */
export const propose = (
  app: Platform,
  from: Member,
  to: { id: string },
  offerSkill: string,
  wantSkill: string,
  message = 'Shall we swap?',
) => call(app, from, 'POST', '/api/swaps', { toMemberId: to.id, offerSkill, wantSkill, message });
