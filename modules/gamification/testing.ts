// Helpers for the gamification tests (test files only): members, completed PAST sessions, reviews over HTTP, and
// waiting for the gamification reactor, which appends after the command has answered.
// (modules/feedback/testing.ts has the like for feedback; a module may not import another's internals.)
import { expect } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import type { LeaderboardEntryView } from '../../read-models/leaderboards/views.ts';
import type { ProfileView } from '../../read-models/member-profiles/views.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../sessions/index.ts';
import { signUpAs } from '../testing.ts';

export { untilCaughtUp } from '../../infra/testing/caught-up.ts';

export type Member = { id: string; displayName: string; cookie: string };
const DAY = 86400_000;

export async function member(app: Platform, displayName: string): Promise<Member> {
  const { user, cookie } = await signUpAs(app, { displayName });
  return { id: user.id, displayName, cookie };
}

/** A session that started at `startsAt`: scheduled and registered the day before, completed a minute after it. */
export async function pastSession(
  app: Platform,
  host: Member,
  startsAt: string,
  skill: string,
  registered: Member[],
  attendees: Member[] = registered,
): Promise<string> {
  const before = new Date(Date.parse(startsAt) - DAY);
  const details = {
    title: `${skill} on ${startsAt.slice(0, 10)}`,
    skill,
    description: '',
    difficulty: 'beginner' as const,
    prerequisites: [],
    startsAt,
    durationMinutes: 60,
    capacity: 20,
    meetingUrl: 'https://meet.example.com/x',
    timezone: 'UTC',
  };
  const { sessionIds } = await scheduleSession(
    app.command,
    { hostId: host.id, details: await withHostingFacts(app.pool, host.id, details), now: before },
    { actorId: host.id },
  );
  const id = sessionIds[0]!;
  // Registrations queue on the session's stream lock; their waits for the read models overlap.
  const register = (m: Member) =>
    runSessionCommand(
      app.command,
      id,
      { type: 'Register', data: { memberId: m.id }, now: before },
      { actorId: m.id },
    );
  await Promise.all(registered.map(register));
  const complete = {
    actor: { memberId: host.id, isModerator: false },
    attendeeIds: attendees.map((m) => m.id),
  };
  await runSessionCommand(
    app.command,
    id,
    { type: 'Complete', data: complete, now: new Date(Date.parse(startsAt) + 60 * 60_000) },
    { actorId: host.id },
  );
  return id;
}

/** Reviews a session over HTTP (throws unless 201) and returns the review's id. */
export async function review(app: Platform, who: Member, sessionId: string, rating: number): Promise<string> {
  const res = await app.http.inject({
    method: 'POST',
    url: `/api/sessions/${sessionId}/reviews`,
    headers: { cookie: who.cookie },
    payload: { rating, comment: `${rating} stars` },
  });
  if (res.statusCode !== 201) throw new Error(`review failed: ${res.statusCode} ${res.body}`);
  return res.json().review.id;
}

/** Retries an assertion until it holds or `timeoutMs` has passed (then it fails with the last difference). */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function profileOf(app: Platform, memberId: string) {
  const res = await app.http.inject({ method: 'GET', url: `/api/users/${memberId}` });
  expect(res.statusCode).toBe(200);
  return res.json().profile as ProfileView;
}

export async function board(app: Platform, query = '') {
  const res = await app.http.inject({ method: 'GET', url: `/api/leaderboards${query}` });
  expect(res.statusCode).toBe(200);
  return (res.json().items as LeaderboardEntryView[]).map(
    (i) => [i.rank, i.user.displayName, i.points] as const,
  );
}
