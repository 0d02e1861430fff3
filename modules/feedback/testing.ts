// Helpers for the feedback tests (test files only): members, completed PAST sessions, requests.
// A session in the past is made through the real commands with the clock they would have had: scheduled and
// registered for a day before it starts, completed a minute after.
import type { Platform } from '../../infra/platform.ts';
import type { ProfileView } from '../../read-models/member-profiles/views.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../sessions/index.ts';
import { signUpAs } from '../testing.ts';

export type Member = { id: string; displayName: string; cookie: string };
export const DAY = 86400_000;

export async function member(app: Platform, displayName?: string): Promise<Member> {
  const { user, cookie } = await signUpAs(app, displayName ? { displayName } : {});
  return { id: user.id, displayName: user.displayName, cookie };
}

/**
 * A session of `host` that started at `startsAt` (default: two days ago) with `registered` members; completed with
 * `attendees` (default: all registered) unless `complete` is false.
 */
export async function pastSession(
  app: Platform,
  host: Member,
  options: {
    registered?: Member[];
    attendees?: Member[];
    skill?: string;
    title?: string;
    startsAt?: string;
    complete?: boolean;
  } = {},
): Promise<string> {
  const startsAt = options.startsAt ?? new Date(Date.now() - 2 * DAY).toISOString();
  const before = new Date(Date.parse(startsAt) - DAY);
  const { sessionIds } = await scheduleSession(
    app.command,
    {
      hostId: host.id,
      details: await withHostingFacts(app.pool, host.id, {
        title: options.title ?? 'Sourdough from scratch',
        skill: options.skill ?? 'Baking',
        description: 'Starter, dough and oven.',
        difficulty: 'beginner',
        prerequisites: [],
        startsAt,
        durationMinutes: 60,
        capacity: 50,
        meetingUrl: 'https://meet.example.com/bread',
        timezone: 'UTC',
      }),
      now: before,
    },
    { actorId: host.id },
  );
  const sessionId = sessionIds[0]!;
  // Registrations queue on the session's stream lock; their waits for the read models overlap.
  const register = (m: Member) =>
    runSessionCommand(
      app.command,
      sessionId,
      { type: 'Register', data: { memberId: m.id }, now: before },
      { actorId: m.id },
    );
  await Promise.all((options.registered ?? []).map(register));
  if (options.complete !== false) {
    const attendeeIds = (options.attendees ?? options.registered ?? []).map((m) => m.id);
    const actor = { memberId: host.id, isModerator: false };
    const now = new Date(Date.parse(startsAt) + 60 * 60_000);
    await runSessionCommand(
      app.command,
      sessionId,
      { type: 'Complete', data: { actor, attendeeIds }, now },
      { actorId: host.id },
    );
  }
  return sessionId;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One request as `who` (null: signed out). */
export function call(app: Platform, who: Member | null, method: Method, url: string, payload?: unknown) {
  return app.http.inject({
    method,
    url,
    headers: who ? { cookie: who.cookie } : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** The reputation figures of a member's public profile. */
export async function reputationOf(app: Platform, memberId: string) {
  const res = await app.http.inject({ method: 'GET', url: `/api/users/${memberId}` });
  if (res.statusCode !== 200) throw new Error(`GET profile failed: ${res.statusCode} ${res.body}`);
  return (res.json().profile as ProfileView).reputation;
}
