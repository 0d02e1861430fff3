// Who may do what: every route of the public API (shared/API.md, plus GET /healthz and moderation's hide/restore)
// requested as each kind of caller, with the status each gets. One row per route; bodies are valid, so a status
// says what authorisation decided, not validation. An action that uses up its target gets a fresh one per caller.
// `host` is the host of the session in the URL; `member` a plain member (who attended the past session);
// `suspended` a suspended member whose sign-in sessions have been revoked.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { skillswap } from './index.ts';
import {
  call,
  DAY,
  type Member,
  member,
  session,
  sessionDetails,
  untilCaughtUp,
  upcoming,
  withRole,
} from './moderation/testing.ts';
import { cookieOf } from './testing.ts';

const ROLES = ['anonymous', 'member', 'host', 'moderator', 'admin', 'suspended'] as const;
type Role = (typeof ROLES)[number];
type Request = { url: string; body?: unknown; cookie?: string | null };
type Statuses = readonly [
  anonymous: number,
  member: number,
  host: number,
  moderator: number,
  admin: number,
  suspended: number,
];
type Row = [route: string, expected: Statuses, request: (role: Role) => Request | Promise<Request>];

let app: Platform;
let people: Record<Exclude<Role, 'anonymous'>, Member>;
let other: Member, reporter: Member;
let past: string; // completed, hosted by host; member and suspended attended
let up: string; // upcoming, hosted by host
let joinable: string, leavable: string; // upcoming; leavable has member, moderator and admin registered
let underWay: string; // started 5 minutes ago: its join link is open; member and suspended registered
let reportId: string;

const all = (status: number): Statuses => [status, status, status, status, status, status];
const post = async (who: Member, url: string, body: unknown, status: number) => {
  const res = await call(app, who, 'POST', url, body);
  if (res.statusCode !== status) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
const freshReport = async () => {
  const target = await upcoming(app, other);
  return (
    await post(reporter, '/api/reports', { targetType: 'session', targetId: target, reason: 'spam' }, 201)
  ).report.id;
};
const suspendedMember = async () => {
  const m = await member(app);
  await post(people.moderator, `/api/moderation/users/${m.id}/suspend`, { reason: 'abuse' }, 200);
  return m.id;
};
const hiddenSession = async () => {
  const id = await upcoming(app, other);
  await post(people.moderator, `/api/moderation/content/session/${id}/hide`, { note: 'scam' }, 200);
  return id;
};
// Swaps: every caller teaches Juggling, `member` and the fresh partners teach Origami (profiles set on first use).
const teaching = async (who: Member, skill: string) => {
  const res = await call(app, who, 'PATCH', '/api/me/profile', { skillsToTeach: [skill] });
  if (res.statusCode !== 200) throw new Error(`profile: ${res.statusCode} ${res.body}`);
  return who;
};
const swapOf = async (proposer: Member, receiver: Member) =>
  (
    await post(
      await teaching(proposer, 'Juggling'),
      '/api/swaps',
      {
        toMemberId: (await teaching(receiver, 'Origami')).id,
        offerSkill: 'Juggling',
        wantSkill: 'Origami',
        message: 'hi',
      },
      201,
    )
  ).swap.id as string;
let hostsSwap: string | undefined; // proposed by host to member
let hostsSwapAccepted: Promise<unknown> | undefined; // by member, once a row needs it accepted
let swapPartner: Member | undefined; // whom every caller proposes to
const swapToMember = async () => swapOf(await member(app), people.member);
const swapByHost = async () => swapOf(people.host, await member(app));
const startedSession = () =>
  session(app, people.host, { startsAt: new Date(Date.now() - 2 * 3600_000).toISOString(), complete: false });
let signups = 0;

//  anonymous, member, host, moderator, admin, suspended
const rows: Row[] = [
  ['GET /healthz', all(200), () => ({ url: '/healthz' })],
  // Identity and profiles
  [
    'POST /api/auth/signup',
    all(201),
    () => ({
      url: '/api/auth/signup',
      body: {
        email: `authz-${++signups}@example.com`,
        password: 'a perfectly good password',
        displayName: 'New',
      },
    }),
  ],
  [
    'POST /api/auth/login',
    [200, 200, 200, 200, 200, 401],
    (role) => {
      const who = role === 'anonymous' ? other : people[role];
      return { url: '/api/auth/login', body: { email: who.email, password: who.password } };
    },
  ],
  [
    'POST /api/auth/logout',
    [401, 204, 204, 204, 204, 401],
    async (role) => {
      if (role === 'anonymous' || role === 'suspended') return { url: '/api/auth/logout' };
      // Logging out ends the session: each caller logs out of a sign-in of its own.
      const { email, password } = people[role];
      const login = await app.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password },
      });
      return { url: '/api/auth/logout', cookie: cookieOf(login) };
    },
  ],
  ['GET /api/me', [401, 200, 200, 200, 200, 401], () => ({ url: '/api/me' })],
  // Account
  ['GET /api/admin/members', [401, 403, 403, 403, 200, 401], () => ({ url: '/api/admin/members?q=member' })],
  ['GET /api/me/export', [401, 200, 200, 200, 200, 401], () => ({ url: '/api/me/export' })],
  [
    'POST /api/auth/password-reset',
    all(202),
    (role) => ({
      url: '/api/auth/password-reset',
      body: { email: (role === 'anonymous' ? other : people[role]).email },
    }),
  ],
  [
    'POST /api/auth/password-reset/confirm',
    all(400),
    () => ({
      url: '/api/auth/password-reset/confirm',
      body: { token: 'no-such-token', newPassword: 'a brand new passphrase here' },
    }),
  ],
  [
    'PATCH /api/me/profile',
    [401, 200, 200, 200, 200, 401],
    () => ({ url: '/api/me/profile', body: { bio: 'Hello.' } }),
  ],
  ['GET /api/users/:id', all(200), () => ({ url: `/api/users/${people.host.id}` })],
  ['GET /api/mentors', all(200), () => ({ url: '/api/mentors' })],
  // Sessions
  [
    'POST /api/sessions',
    [401, 201, 201, 201, 201, 401],
    () => ({
      url: '/api/sessions',
      body: sessionDetails(new Date(Date.now() + 5 * DAY).toISOString()),
    }),
  ],
  ['GET /api/sessions', all(200), () => ({ url: '/api/sessions' })],
  ['GET /api/sessions/:id', all(200), () => ({ url: `/api/sessions/${up}` })],
  [
    'PATCH /api/sessions/:id',
    [401, 403, 200, 403, 403, 401],
    () => ({ url: `/api/sessions/${up}`, body: { title: 'Rye bread' } }),
  ],
  [
    'POST /api/sessions/:id/cancel',
    [401, 403, 200, 200, 200, 401],
    async () => ({
      url: `/api/sessions/${await upcoming(app, people.host)}/cancel`,
      body: { reason: 'ill' },
    }),
  ],
  [
    'POST /api/sessions/:id/complete',
    [401, 403, 200, 403, 403, 401],
    async () => ({
      url: `/api/sessions/${await startedSession()}/complete`,
      body: {},
    }),
  ],
  [
    'POST /api/sessions/:id/registration',
    [401, 201, 403, 201, 201, 401],
    () => ({ url: `/api/sessions/${joinable}/registration` }),
  ],
  [
    'DELETE /api/sessions/:id/registration',
    [401, 204, 409, 204, 204, 401],
    () => ({ url: `/api/sessions/${leavable}/registration` }),
  ],
  [
    'GET /api/sessions/:id/attendees',
    [401, 403, 200, 200, 200, 401],
    () => ({ url: `/api/sessions/${up}/attendees` }),
  ],
  // Attendance: the host and the registered, inside the join window; moderators are no attendees
  [
    'POST /api/sessions/:id/join',
    [401, 200, 200, 403, 403, 401],
    () => ({ url: `/api/sessions/${underWay}/join` }),
  ],
  ['GET /api/sessions/:id/calendar.ics', all(200), () => ({ url: `/api/sessions/${up}/calendar.ics` })],
  ['GET /api/me/sessions', [401, 200, 200, 200, 200, 401], () => ({ url: '/api/me/sessions' })],
  // Feedback and reputation (only the member attended among those who may write: the others are not attendees)
  [
    'POST /api/sessions/:id/reviews',
    [401, 201, 403, 403, 403, 401],
    () => ({
      url: `/api/sessions/${past}/reviews`,
      body: { rating: 4, comment: 'Good.' },
    }),
  ],
  ['GET /api/sessions/:id/reviews', all(200), () => ({ url: `/api/sessions/${past}/reviews` })],
  [
    'GET /api/sessions/:id/reviews/mine',
    [401, 200, 200, 200, 200, 401],
    () => ({ url: `/api/sessions/${past}/reviews/mine` }),
  ],
  ['GET /api/users/:id/reviews', all(200), () => ({ url: `/api/users/${people.host.id}/reviews` })],
  // Gamification
  ['GET /api/leaderboards', all(200), () => ({ url: '/api/leaderboards' })],
  ['GET /api/badges', all(200), () => ({ url: '/api/badges' })],
  // Moderation and administration
  [
    'POST /api/reports',
    [401, 201, 201, 201, 201, 401],
    () => ({
      url: '/api/reports',
      body: { targetType: 'user', targetId: other.id, reason: 'rude messages' },
    }),
  ],
  ['GET /api/moderation/reports', [401, 403, 403, 200, 200, 401], () => ({ url: '/api/moderation/reports' })],
  [
    'GET /api/moderation/reports/:id',
    [401, 403, 403, 200, 200, 401],
    () => ({ url: `/api/moderation/reports/${reportId}` }),
  ],
  [
    'POST /api/moderation/reports/:id/resolve',
    [401, 403, 403, 200, 200, 401],
    async () => ({
      url: `/api/moderation/reports/${await freshReport()}/resolve`,
      body: { action: 'dismiss', note: 'fine' },
    }),
  ],
  [
    'POST /api/moderation/users/:id/suspend',
    [401, 403, 403, 200, 200, 401],
    async () => ({
      url: `/api/moderation/users/${(await member(app)).id}/suspend`,
      body: { reason: 'abuse' },
    }),
  ],
  [
    'POST /api/moderation/users/:id/unsuspend',
    [401, 403, 403, 200, 200, 401],
    async () => ({
      url: `/api/moderation/users/${await suspendedMember()}/unsuspend`,
      body: { reason: 'appeal' },
    }),
  ],
  [
    'GET /api/moderation/users/:id/suspension',
    [401, 403, 403, 200, 200, 401],
    () => ({ url: `/api/moderation/users/${other.id}/suspension` }),
  ],
  [
    'POST /api/moderation/content/:type/:id/hide',
    [401, 403, 403, 200, 200, 401],
    async () => ({
      url: `/api/moderation/content/session/${await upcoming(app, other)}/hide`,
      body: { note: 'scam' },
    }),
  ],
  [
    'POST /api/moderation/content/:type/:id/restore',
    [401, 403, 403, 200, 200, 401],
    async () => ({
      url: `/api/moderation/content/session/${await hiddenSession()}/restore`,
      body: { note: 'fine' },
    }),
  ],
  // Swaps: its two members and moderators see one (anyone else 404); only the receiver answers, the proposer
  // withdraws.
  [
    'POST /api/swaps',
    [401, 201, 201, 201, 201, 401],
    async (role) => {
      swapPartner ??= await teaching(await member(app), 'Origami');
      const body = {
        toMemberId: swapPartner.id,
        offerSkill: 'Juggling',
        wantSkill: 'Origami',
        message: 'hi',
      };
      if (role !== 'anonymous' && role !== 'suspended') await teaching(people[role], 'Juggling');
      return { url: '/api/swaps', body };
    },
  ],
  ['GET /api/swaps', [401, 200, 200, 200, 200, 401], () => ({ url: '/api/swaps' })],
  ['GET /api/me/matches', [401, 200, 200, 200, 200, 401], () => ({ url: '/api/me/matches' })],
  [
    'GET /api/swaps/:id',
    [401, 200, 200, 200, 200, 401],
    async () => {
      hostsSwap ??= await swapOf(people.host, people.member);
      return { url: `/api/swaps/${hostsSwap}` };
    },
  ],
  [
    'GET /api/swaps/:id/messages',
    [401, 200, 200, 200, 200, 401],
    async () => {
      hostsSwap ??= await swapOf(people.host, people.member);
      return { url: `/api/swaps/${hostsSwap}/messages` };
    },
  ],
  [
    'POST /api/swaps/:id/messages',
    [401, 201, 201, 403, 403, 401],
    async () => {
      hostsSwap ??= await swapOf(people.host, people.member);
      return { url: `/api/swaps/${hostsSwap}/messages`, body: { body: 'See you Tuesday' } };
    },
  ],
  [
    // Once accepted, each of the two members schedules one session for the other; a moderator sees the swap but is
    // not in it.
    'POST /api/swaps/:id/sessions',
    [401, 201, 201, 403, 403, 401],
    async () => {
      hostsSwap ??= await swapOf(people.host, people.member);
      hostsSwapAccepted ??= post(people.member, `/api/swaps/${hostsSwap}/accept`, undefined, 200);
      await hostsSwapAccepted;
      const { capacity: _, ...form } = sessionDetails(new Date(Date.now() + 5 * DAY).toISOString());
      return { url: `/api/swaps/${hostsSwap}/sessions`, body: form };
    },
  ],
  [
    'POST /api/swaps/:id/accept',
    [401, 200, 404, 403, 403, 401],
    async () => ({ url: `/api/swaps/${await swapToMember()}/accept` }),
  ],
  [
    'POST /api/swaps/:id/decline',
    [401, 200, 404, 403, 403, 401],
    async () => ({ url: `/api/swaps/${await swapToMember()}/decline` }),
  ],
  [
    'POST /api/swaps/:id/withdraw',
    [401, 404, 200, 403, 403, 401],
    async () => ({ url: `/api/swaps/${await swapByHost()}/withdraw` }),
  ],
  ['GET /api/admin/audit-log', [401, 403, 403, 403, 200, 401], () => ({ url: '/api/admin/audit-log' })],
  ['GET /api/admin/projections', [401, 403, 403, 403, 200, 401], () => ({ url: '/api/admin/projections' })],
  [
    'GET /api/admin/projections/rebuilds/:jobId',
    [401, 403, 403, 403, 404, 401],
    () => ({ url: '/api/admin/projections/rebuilds/00000000-0000-4000-8000-000000000000' }),
  ],
  [
    'GET /api/admin/projections/set-aside',
    [401, 403, 403, 403, 200, 401],
    () => ({ url: '/api/admin/projections/set-aside' }),
  ],
  [
    'POST /api/admin/projections/:name/retry',
    [401, 403, 403, 403, 200, 401],
    () => ({ url: '/api/admin/projections/skill_catalogue/retry' }),
  ],
  [
    'POST /api/admin/projections/:name/rebuild',
    [401, 403, 403, 403, 202, 401],
    () => ({
      url: '/api/admin/projections/skill_catalogue/rebuild',
    }),
  ],
];

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  const [m, host, sus, o, r] = await Promise.all(
    ['Mel', 'Hal', 'Sus', 'Oli', 'Rex'].map((n) => member(app, n)),
  );
  const [moderator, admin] = await Promise.all([
    withRole(app, 'moderator', 'Mo'),
    withRole(app, 'admin', 'Ada'),
  ]);
  people = { member: m!, host: host!, moderator, admin, suspended: sus! };
  [other, reporter] = [o!, r!];
  past = await session(app, host!, { registered: [m!, sus!] });
  up = await upcoming(app, host!, [m!]);
  joinable = await upcoming(app, host!);
  leavable = await upcoming(app, host!, [m!, moderator, admin]);
  underWay = await session(app, host!, {
    registered: [m!, sus!],
    startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    complete: false,
  });
  reportId = await freshReport();
  await post(moderator, `/api/moderation/users/${sus!.id}/suspend`, { reason: 'abuse' }, 200);
  // Its sessions are revoked by a reactor: wait for it, so that `suspended` is the settled state.
  await untilCaughtUp(app);
});

describe('authorization of every route', () => {
  it.each(rows)('%s', async (route, expected, request) => {
    const method = route.split(' ')[0] as 'GET' | 'POST' | 'PATCH' | 'DELETE';
    const actual = {} as Record<Role, number>;
    for (const role of ROLES) {
      const req = await request(role);
      const cookie =
        req.cookie !== undefined ? req.cookie : role === 'anonymous' ? null : people[role].cookie;
      const res = await app.http.inject({
        method,
        url: req.url,
        headers: cookie ? { cookie } : {},
        ...(req.body === undefined ? {} : { payload: req.body as Record<string, unknown> }),
      });
      actual[role] = res.statusCode;
    }
    expect(actual).toEqual(Object.fromEntries(ROLES.map((role, i) => [role, expected[i]])));
  });

  it('has a row for every route the server documents, but the extras README.md lists', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/api/openapi.json' });
    const paths = res.json().paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = new Set(rows.map(([route]) => route));
    expect(documented.filter((route) => !covered.has(route) && !EXTRAS.includes(route))).toEqual([]);
    expect([...covered].filter((route) => !documented.includes(route))).toEqual([]);
  });
});

/** Routes beyond API.md (README.md lists them; the feedback module adds review edits and replies). */
const EXTRAS = [
  'DELETE /api/me', // account deletion: new, not in API.md yet
  'POST /api/me/password',
  'POST /api/me/avatar',
  'GET /api/avatars/:key',
  'GET /api/skills',
  'POST /api/sessions/:id/clone',
  'POST /api/series/:id/cancel',
  'GET /api/series/:id',
  'GET /api/me/notifications',
  'GET /api/me/notifications/:id',
  'POST /api/me/notifications/read',
  'GET /api/me/calendar',
  'POST /api/me/calendar/reset',
  'GET /api/calendar/:file',
  'PATCH /api/reviews/:id',
  'DELETE /api/reviews/:id',
  'POST /api/reviews/:id/reply',
];
