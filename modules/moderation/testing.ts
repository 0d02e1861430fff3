// Helpers for the moderation tests (test files only): members with roles, PAST completed sessions made through
// the real commands with the clock they would have had, requests, and waits for reactors.
// (modules/feedback/testing.ts has the like for feedback; a module may not import another's internals.)
import type { Platform } from '../../infra/platform.ts';
import type { ProfileView } from '../../read-models/member-profiles/views.ts';
import { submitReview } from '../feedback/index.ts';
import { changeRole } from '../identity/index.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../sessions/index.ts';
import { signUpAs } from '../testing.ts';

export { untilCaughtUp } from '../../infra/testing/caught-up.ts';

export type Member = { id: string; email: string; displayName: string; cookie: string; password: string };
export const DAY = 86400_000;

export async function member(app: Platform, displayName?: string, email?: string): Promise<Member> {
  const { user, cookie, password } = await signUpAs(app, {
    ...(displayName ? { displayName } : {}),
    ...(email ? { email } : {}),
  });
  return { id: user.id, email: user.email, displayName: user.displayName, cookie, password };
}

/** A member with a role granted the way the admin command line grants it (the cookie stays valid). */
export async function withRole(
  app: Platform,
  role: 'moderator' | 'admin',
  displayName?: string,
): Promise<Member> {
  const m = await member(app, displayName);
  await changeRole(app.command, m.email, role, true, { actorId: null });
  return m;
}

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

export const sessionDetails = (startsAt: string, overrides: Record<string, unknown> = {}) => ({
  title: 'Sourdough from scratch',
  skill: 'Baking',
  description: 'Starter, dough and oven.',
  difficulty: 'beginner' as const,
  prerequisites: [],
  startsAt,
  durationMinutes: 60,
  capacity: 50,
  meetingUrl: 'https://meet.example.com/bread',
  timezone: 'UTC',
  ...overrides,
});

/**
 * A session of `host` starting at `startsAt` (default: two days ago), scheduled and registered the day before it
 * starts; completed at its end with every registered member unless `complete` is false.
 */
export async function session(
  app: Platform,
  host: { id: string },
  options: { registered?: { id: string }[]; startsAt?: string; complete?: boolean; title?: string } = {},
): Promise<string> {
  const startsAt = options.startsAt ?? new Date(Date.now() - 2 * DAY).toISOString();
  const before = new Date(Date.parse(startsAt) - DAY);
  const details = sessionDetails(startsAt, options.title ? { title: options.title } : {});
  const { sessionIds } = await scheduleSession(
    app.command,
    { hostId: host.id, details: await withHostingFacts(app.pool, host.id, details), now: before },
    { actorId: host.id },
  );
  const id = sessionIds[0]!;
  for (const m of options.registered ?? []) {
    await runSessionCommand(
      app.command,
      id,
      { type: 'Register', data: { memberId: m.id }, now: before },
      { actorId: m.id },
    );
  }
  if (options.complete ?? Date.parse(startsAt) < Date.now()) {
    const actor = { memberId: host.id, isModerator: false };
    const now = new Date(Date.parse(startsAt) + 60 * 60_000);
    await runSessionCommand(
      app.command,
      id,
      { type: 'Complete', data: { actor }, now },
      { actorId: host.id },
    );
  }
  return id;
}

/** An upcoming session (in `days` days) of `host`. */
export const upcoming = (app: Platform, host: { id: string }, registered: { id: string }[] = [], days = 3) =>
  session(app, host, { registered, startsAt: new Date(Date.now() + days * DAY).toISOString() });

/** A review of a completed session by one of its attendees; returns its id. */
export const review = (
  app: Platform,
  author: { id: string },
  sessionId: string,
  rating: number,
  comment = 'ok',
) => submitReview(app.command, author.id, sessionId, { rating, comment }, { actorId: author.id });

/** Retries an assertion until it holds or `timeoutMs` has passed (then it fails with the last difference). */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** The reputation figures of a member's public profile. */
export async function reputationOf(app: Platform, memberId: string) {
  const res = await call(app, null, 'GET', `/api/users/${memberId}`);
  if (res.statusCode !== 200) throw new Error(`GET profile failed: ${res.statusCode} ${res.body}`);
  return (res.json().profile as ProfileView).reputation;
}
