// Text and times PostgreSQL cannot hold (NUL, lone surrogates, offsets past ±14:00, year 0) and hand-made
// cursors, sent where a member can send them: each is 400 naming the field, appends nothing, and the next
// member still signs up and is readable (the projectors did not stall on it).
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { skillswap } from './index.ts';
import { signUpAs } from './testing.ts';

let app: Platform;
let member: Awaited<ReturnType<typeof signUpAs>>;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  member = await signUpAs(app);
});

const eventCount = async () =>
  Number((await app.pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
const problems = (res: LightMyRequestResponse) =>
  (res.json().error.details as { path: string; message: string }[]).map((d) => [d.path, d.message]);
const cursorOf = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString().slice(0, 19);

/** A fresh member signs up (201) and their profile is readable at once: every projector still runs. */
async function expectSignUpStillWorks() {
  const started = Date.now();
  const { user } = await signUpAs(app);
  const profile = await app.http.inject({ method: 'GET', url: `/api/users/${user.id}` });
  expect(profile.statusCode, profile.body).toBe(200);
  // A stalled projector shows as the read-your-writes wait running out (3 s) before the answer.
  expect(Date.now() - started).toBeLessThan(2500);
}

type Poison = {
  what: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: () => string;
  payload?: () => Record<string, unknown>;
  signedIn?: boolean;
  path: string;
  message: RegExp;
};

const signup = (displayName: string) => ({
  email: `poison-${Math.random().toString(36).slice(2)}@example.com`,
  password: 'a perfectly good password',
  displayName,
});
const session = (overrides: Record<string, unknown>) => ({
  title: 'Sourdough from scratch',
  skill: 'Baking',
  description: 'Starter, dough and oven.',
  difficulty: 'beginner',
  startsAt: `${inAnHour()}Z`,
  durationMinutes: 60,
  capacity: 5,
  meetingUrl: 'https://meet.example.com/bread',
  ...overrides,
});

const POISONS: Poison[] = [
  {
    what: 'NUL in a display name at sign-up',
    method: 'POST',
    url: () => '/api/auth/signup',
    payload: () => signup('a\u0000b'),
    path: 'displayName',
    message: /must not contain control characters/,
  },
  {
    what: 'a lone surrogate as a display name at sign-up',
    method: 'POST',
    url: () => '/api/auth/signup',
    payload: () => signup('\ud800'),
    path: 'displayName',
    message: /must be well-formed Unicode/,
  },
  {
    what: 'NUL in a bio',
    method: 'PATCH',
    url: () => '/api/me/profile',
    payload: () => ({ bio: 'I bake.\u0000' }),
    signedIn: true,
    path: 'bio',
    message: /must not contain control characters/,
  },
  {
    what: 'NUL in an avatar URL',
    method: 'PATCH',
    url: () => '/api/me/profile',
    payload: () => ({ avatarUrl: 'https://images.example.com/a\u0000.png' }),
    signedIn: true,
    path: 'avatarUrl',
    message: /must not contain control characters/,
  },
  {
    what: 'a lone surrogate in a skill',
    method: 'PATCH',
    url: () => '/api/me/profile',
    payload: () => ({ skillsToTeach: ['Baking', 'Cello\udc00'] }),
    signedIn: true,
    path: 'skillsToTeach.1',
    message: /must be well-formed Unicode/,
  },
  {
    what: 'a line break in a display name (a single-line field)',
    method: 'PATCH',
    url: () => '/api/me/profile',
    payload: () => ({ displayName: 'Ada\nLovelace' }),
    signedIn: true,
    path: 'displayName',
    message: /must be a single line/,
  },
  {
    what: 'a session start with the offset -23:59',
    method: 'POST',
    url: () => '/api/sessions',
    payload: () => session({ startsAt: `${inAnHour()}-23:59` }),
    signedIn: true,
    path: 'startsAt',
    message: /offset must be within ±14:00/,
  },
  {
    what: 'a session start in year 0',
    method: 'POST',
    url: () => '/api/sessions',
    payload: () => session({ startsAt: '0000-06-01T10:00:00Z' }),
    signedIn: true,
    path: 'startsAt',
    message: /year/,
  },
  {
    what: 'NUL in a session description',
    method: 'POST',
    url: () => '/api/sessions',
    payload: () => session({ description: 'Bring flour\u0000' }),
    signedIn: true,
    path: 'description',
    message: /must not contain control characters/,
  },
  {
    what: 'NUL in a path id',
    method: 'GET',
    url: () => '/api/sessions/%00',
    path: 'params.id',
    message: /must not contain control characters/,
  },
  {
    what: 'NUL in a path id of a command',
    method: 'POST',
    url: () => '/api/sessions/a%00b/registration',
    signedIn: true,
    path: 'params.id',
    message: /must not contain control characters/,
  },
  {
    what: 'NUL in a query value',
    method: 'GET',
    url: () => '/api/sessions?skill=Bak%00ing',
    path: 'querystring.skill',
    message: /must not contain control characters/,
  },
  {
    what: 'a date before year 1 in a query',
    method: 'GET',
    url: () => '/api/sessions?from=0000-01-01T00:00:00Z',
    path: 'querystring.from',
    message: /year/,
  },
  {
    what: 'a date that is year 0 in UTC, given with an offset',
    method: 'GET',
    url: () => `/api/sessions?to=${encodeURIComponent('0001-01-01T05:00:00+10:00')}`,
    path: 'querystring.to',
    message: /year/,
  },
  {
    what: 'a hand-made notifications cursor whose time is a bare year',
    method: 'GET',
    url: () => `/api/me/notifications?cursor=${cursorOf(['2026', 'x'])}`,
    signedIn: true,
    path: 'querystring.cursor',
    message: /cursor is not valid/,
  },
  {
    what: 'a hand-made sessions cursor with NUL in its id',
    method: 'GET',
    url: () => `/api/sessions?cursor=${cursorOf(['2026-01-01T00:00:00.000000Z', 'a\u0000'])}`,
    path: 'querystring.cursor',
    message: /cursor is not valid/,
  },
  {
    what: 'a hand-made mentors cursor of the wrong type for its sort',
    method: 'GET',
    url: () => `/api/mentors?sort=sessions&cursor=${cursorOf([{ n: 1 }, 'x'])}`,
    path: 'querystring.cursor',
    message: /cursor is not valid/,
  },
  {
    what: 'a hand-made reviews cursor of year 0',
    method: 'GET',
    url: () => `/api/users/x/reviews?cursor=${cursorOf(['0000-01-01T00:00:00.000000Z', 'x'])}`,
    path: 'querystring.cursor',
    message: /cursor is not valid/,
  },
];

describe('poison input', () => {
  it.each(POISONS.map((p) => [p.what, p] as const))(
    'refuses %s with 400 naming the field, appends nothing, and sign-up still works',
    async (_what, poison) => {
      // Given the log as it is
      const before = await eventCount();
      // When the poison is sent
      const res = await app.http.inject({
        method: poison.method,
        url: poison.url(),
        headers: poison.signedIn ? { cookie: member.cookie } : {},
        ...(poison.payload ? { payload: poison.payload() } : {}),
      });
      // Then it is 400 validation_failed, naming the field and the reason
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(problems(res)).toContainEqual([poison.path, expect.stringMatching(poison.message)]);
      // And nothing reached the log
      expect(await eventCount()).toBe(before);
      // And the next member signs up and is readable: no projector is stuck
      await expectSignUpStillWorks();
    },
  );

  it('keeps a user-agent with control characters and a lone surrogate, cleaned, with the sign-in session', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'user-agent': 'Browser\u0001/1.0 \ud800(X11)' },
      payload: signup('Agent'),
    });
    expect(res.statusCode, res.body).toBe(201);
    const { rows } = await app.pool.query<{ user_agent: string }>(
      'SELECT user_agent FROM auth_sessions WHERE member_id = $1',
      [res.json().user.id],
    );
    expect(rows.map((r) => r.user_agent)).toEqual(['Browser/1.0 \ufffd(X11)']);
  });

  it('accepts tabs and line breaks in a multi-line field (a bio), and stores them as sent', async () => {
    const res = await app.http.inject({
      method: 'PATCH',
      url: '/api/me/profile',
      headers: { cookie: member.cookie },
      payload: { bio: 'Line one\r\nLine two\n\tindented' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().profile.bio).toBe('Line one\r\nLine two\n\tindented');
  });

  it('normalises an accepted start time with an offset to UTC, in the answer and in the event', async () => {
    // Given a start 20 hours ahead, written in a time zone 9:30 behind UTC
    const local = `${new Date(Date.now() + 20 * 3600_000).toISOString().slice(0, 19)}-09:30`;
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { cookie: member.cookie },
      payload: session({ startsAt: local }),
    });
    // Then the session starts at that instant, written in UTC
    expect(res.statusCode, res.body).toBe(201);
    const utc = new Date(local).toISOString();
    expect(res.json().session.startsAt).toBe(utc);
    const events = await app.store.readStream(`session-${res.json().session.id}`);
    expect((events[0]!.data as { startsAt: string }).startsAt).toBe(utc);
  });
});
