// Helpers for the sessions tests (HTTP through `platform.http.inject`). Used by test files only.
// Members sign up through the public API: modules/identity/testing.ts is that module's internals.
import type { LightMyRequestResponse } from 'fastify';
import type { Platform } from '../../infra/platform.ts';
import type { SessionView } from '../../read-models/session-listings/views.ts';
import { runSessionCommand, scheduleSession } from './handlers.ts';

let counter = 0;

export type Member = { id: string; email: string; displayName: string; cookie: string };

function cookieOf(res: LightMyRequestResponse): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((c) => c.split(';')[0]).join('; ');
}

export async function signUp(app: Platform, displayName = `Member ${++counter}`): Promise<Member> {
  const email = `sessions-${++counter}-${Date.now()}@example.com`;
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password: 'a perfectly good password', displayName },
  });
  if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  return { id: res.json().user.id, email, displayName, cookie: cookieOf(res) };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One request as `who` (a member, or null for signed out). */
export function call(
  app: Platform,
  who: Member | null,
  method: Method,
  url: string,
  payload?: unknown,
  headers = {},
) {
  return app.http.inject({
    method,
    url,
    headers: { ...(who ? { cookie: who.cookie } : {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** An ISO time `ms` from now, whole seconds (a start time the API accepts as "future"). */
export const fromNow = (ms: number) =>
  new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
export const DAY = 24 * 3600_000;

export const validSession = (overrides: Record<string, unknown> = {}) => ({
  title: 'Sourdough from scratch',
  skill: 'Baking',
  description: 'Starter, dough and oven.',
  difficulty: 'beginner',
  prerequisites: ['An oven'],
  startsAt: fromNow(2 * DAY),
  durationMinutes: 90,
  capacity: 2,
  meetingUrl: 'https://meet.example.com/bread',
  timezone: 'UTC',
  ...overrides,
});

/**
 * A session that has already ended (it started a day ago, or at `startsAt`), scheduled and booked by `registered` two
 * days before, through the commands with the clock they would have had; not completed. The API refuses completing a
 * session before its end, so tests complete this one over HTTP.
 */
export async function endedSession(
  app: Platform,
  who: Member,
  registered: Member[] = [],
  overrides: {
    title?: string;
    skill?: string;
    startsAt?: string;
    durationMinutes?: number;
    capacity?: number;
  } = {},
) {
  const startsAt = overrides.startsAt ?? new Date(Date.now() - DAY).toISOString();
  const then = new Date(Date.parse(startsAt) - DAY);
  const { sessionIds } = await scheduleSession(
    app.command,
    {
      hostId: who.id,
      details: { ...validSession(), difficulty: 'beginner', ...overrides, startsAt },
      now: then,
    },
    { actorId: who.id },
  );
  const id = sessionIds[0]!;
  for (const m of registered) {
    await runSessionCommand(
      app.command,
      id,
      { type: 'Register', data: { memberId: m.id }, now: then },
      { actorId: m.id },
    );
  }
  return id;
}

/** Hosts a session as `host` and returns it as the API answered (throws unless 201). */
export async function host(app: Platform, who: Member, overrides: Record<string, unknown> = {}) {
  const res = await call(app, who, 'POST', '/api/sessions', validSession(overrides));
  if (res.statusCode !== 201) throw new Error(`hosting failed: ${res.statusCode} ${res.body}`);
  return res.json().session as SessionView;
}

export async function getSession(app: Platform, who: Member | null, id: string) {
  const res = await call(app, who, 'GET', `/api/sessions/${id}`);
  if (res.statusCode !== 200) throw new Error(`GET session failed: ${res.statusCode} ${res.body}`);
  return res.json().session as SessionView;
}

/** Waits until the given ISO time has passed (for "after the start" paths: the API refuses past starts). */
export async function waitUntil(iso: string) {
  const ms = Date.parse(iso) - Date.now() + 50;
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

export const paths = (res: LightMyRequestResponse) =>
  (res.json().error.details as { path: string }[]).map((d) => d.path).sort();
