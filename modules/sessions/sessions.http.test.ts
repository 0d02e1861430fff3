// Hosting over HTTP: create (and its 400s), read, edit, reschedule, cancel, complete. Series and clones:
// series.http.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { changeRole } from '../identity/index.ts';
import { skillswap } from '../index.ts';
import {
  call,
  DAY,
  endedSession,
  fromNow,
  getSession,
  host,
  type Member,
  paths,
  signUp,
  validSession,
  waitUntil,
} from './testing.ts';

let app: Platform;
let ada: Member; // hosts
let bob: Member; // attends
let eve: Member; // neither
let mod: Member;
let soon: { id: string; startsAt: string }; // starts a few seconds into the run, for the after-start paths

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  [ada, bob, eve, mod] = await Promise.all([
    signUp(app, 'Ada'),
    signUp(app, 'Bob'),
    signUp(app, 'Eve'),
    signUp(app, 'Mo'),
  ]);
  await changeRole(app.command, mod.email, 'moderator', true, { actorId: null });
  const startsAt = fromNow(2500);
  soon = { id: (await host(app, ada, { startsAt, capacity: 3 })).id, startsAt };
  expect((await call(app, bob, 'POST', `/api/sessions/${soon.id}/registration`)).statusCode).toBe(201);
});

describe('POST /api/sessions', () => {
  it('answers 201 with the session object of API.md (plus extras), as the host sees it', async () => {
    const body = validSession({ startsAt: '2030-06-01T18:00:00+02:00', timezone: 'Europe/Berlin' });
    const res = await call(app, ada, 'POST', '/api/sessions', body);
    expect(res.statusCode).toBe(201);
    const { session, series } = res.json();
    expect(series).toBeNull();
    expect(session).toEqual({
      id: expect.any(String),
      title: 'Sourdough from scratch',
      skill: 'Baking',
      description: 'Starter, dough and oven.',
      difficulty: 'beginner',
      prerequisites: ['An oven'],
      startsAt: '2030-06-01T16:00:00.000Z',
      durationMinutes: 90,
      capacity: 2,
      status: 'scheduled',
      notHeld: false,
      host: { id: ada.id, displayName: 'Ada' },
      registeredCount: 0,
      waitlistCount: 0,
      seatsLeft: 2,
      meetingUrl: 'https://meet.example.com/bread',
      viewerRegistration: null,
      viewerAttendance: null,
      // extras
      joinOpensAt: '2030-06-01T15:45:00.000Z',
      endsAt: '2030-06-01T17:30:00.000Z',
      timezone: 'Europe/Berlin',
      seriesId: null,
      swapId: null,
      waitlistPosition: null,
      cancelReason: null,
    });
    expect(await getSession(app, ada, session.id)).toEqual(session);
  });

  it.each([
    ['title too short', { title: '  ab ' }, 'title'],
    ['title too long', { title: 'x'.repeat(121) }, 'title'],
    ['startsAt without an offset', { startsAt: '2030-06-01T18:00:00' }, 'startsAt'],
    ['startsAt in the past', { startsAt: '2020-01-01T18:00:00Z' }, 'startsAt'],
    ['durationMinutes 10', { durationMinutes: 10 }, 'durationMinutes'],
    ['durationMinutes 481', { durationMinutes: 481 }, 'durationMinutes'],
    ['capacity 0', { capacity: 0 }, 'capacity'],
    ['capacity 501', { capacity: 501 }, 'capacity'],
    ['meetingUrl http://', { meetingUrl: 'http://meet.example.com/x' }, 'meetingUrl'],
    ['meetingUrl garbage', { meetingUrl: 'not a url at all' }, 'meetingUrl'],
    ['difficulty expert', { difficulty: 'expert' }, 'difficulty'],
    ['repeat count 13', { repeat: { every: 'week', count: 13 } }, 'repeat.count'],
  ])(
    'answers 400 validation_failed for %s, naming the field, and schedules nothing',
    async (_, bad, path) => {
      const title = `Bad ${path} ${Math.random()}`;
      const res = await call(app, ada, 'POST', '/api/sessions', validSession({ title, ...bad }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(paths(res)).toEqual([path]);
      const { rows } = await app.pool.query(
        `SELECT 1 FROM events WHERE type = 'SessionScheduled' AND data->>'title' = $1`,
        [title],
      );
      expect(rows).toHaveLength(0);
    },
  );

  it('lists every bad field at once', async () => {
    const res = await call(
      app,
      ada,
      'POST',
      '/api/sessions',
      validSession({ title: 'x', capacity: 0, durationMinutes: 5 }),
    );
    expect(paths(res)).toEqual(['capacity', 'durationMinutes', 'title']);
  });

  it('answers 401 signed out, and 403 to a cross-site request', async () => {
    const anon = await call(app, null, 'POST', '/api/sessions', validSession());
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('unauthenticated');
    const evil = await call(app, ada, 'POST', '/api/sessions', validSession({ title: 'Cross site' }), {
      origin: 'https://evil.example',
    });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error.code).toBe('forbidden');
    const { rows } = await app.pool.query(`SELECT 1 FROM events WHERE data->>'title' = 'Cross site'`);
    expect(rows).toHaveLength(0);
  });
});

describe('GET /api/sessions/:id', () => {
  it('answers 404 not_found for an unknown id, a UUID or not', async () => {
    for (const id of [crypto.randomUUID(), 'no-such-thing']) {
      const res = await call(app, null, 'GET', `/api/sessions/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });
});

describe('PATCH /api/sessions/:id', () => {
  it('lets the host edit; the next read shows it', async () => {
    const s = await host(app, ada);
    const res = await call(app, ada, 'PATCH', `/api/sessions/${s.id}`, {
      title: 'Rye and spelt',
      difficulty: 'advanced',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().session).toMatchObject({
      title: 'Rye and spelt',
      difficulty: 'advanced',
      skill: 'Baking',
    });
    expect((await getSession(app, null, s.id)).title).toBe('Rye and spelt');
  });

  it('is for the host only (403), signed in (401), known sessions (404), known fields (400)', async () => {
    const s = await host(app, ada);
    expect((await call(app, eve, 'PATCH', `/api/sessions/${s.id}`, { title: 'Hijacked' })).statusCode).toBe(
      403,
    );
    expect((await call(app, mod, 'PATCH', `/api/sessions/${s.id}`, { title: 'Hijacked' })).statusCode).toBe(
      403,
    );
    expect((await call(app, null, 'PATCH', `/api/sessions/${s.id}`, { title: 'Hijacked' })).statusCode).toBe(
      401,
    );
    expect(
      (await call(app, ada, 'PATCH', `/api/sessions/${crypto.randomUUID()}`, { title: 'Nope' })).statusCode,
    ).toBe(404);
    const hostSwap = await call(app, ada, 'PATCH', `/api/sessions/${s.id}`, { hostId: eve.id });
    expect(hostSwap.statusCode).toBe(400);
    expect((await getSession(app, null, s.id)).title).toBe(s.title);
  });

  it('refuses a capacity below the registered count (409), accepts the registered count', async () => {
    const s = await host(app, ada, { capacity: 3 });
    for (const m of [bob, eve]) await call(app, m, 'POST', `/api/sessions/${s.id}/registration`);
    const res = await call(app, ada, 'PATCH', `/api/sessions/${s.id}`, { capacity: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('conflict');
    const ok = await call(app, ada, 'PATCH', `/api/sessions/${s.id}`, { capacity: 2 });
    expect(ok.json().session).toMatchObject({ capacity: 2, seatsLeft: 0, registeredCount: 2 });
  });

  it('reschedules (visible at once, in the listing order too) but never into the past (400)', async () => {
    const early = await host(app, ada, { title: 'Early bird', startsAt: fromNow(300 * DAY) });
    const late = await host(app, ada, { title: 'Late riser', startsAt: fromNow(301 * DAY) });
    const past = await call(app, ada, 'PATCH', `/api/sessions/${early.id}`, {
      startsAt: '2020-01-01T00:00:00Z',
    });
    expect(past.statusCode).toBe(400);
    expect(paths(past)).toEqual(['startsAt']);
    const moved = fromNow(302 * DAY);
    const res = await call(app, ada, 'PATCH', `/api/sessions/${early.id}`, {
      startsAt: moved,
      durationMinutes: 30,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().session).toMatchObject({
      startsAt: new Date(moved).toISOString(),
      durationMinutes: 30,
    });
    const window = `from=${encodeURIComponent(fromNow(299 * DAY))}&to=${encodeURIComponent(fromNow(303 * DAY))}`;
    const list = await call(app, null, 'GET', `/api/sessions?${window}`);
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([late.id, early.id]);
  });
});

describe('POST /api/sessions/:id/cancel', () => {
  it('the host cancels; the session says so and refuses registration (409)', async () => {
    const s = await host(app, ada);
    const res = await call(app, ada, 'POST', `/api/sessions/${s.id}/cancel`, { reason: 'Oven broke' });
    expect(res.statusCode).toBe(200);
    expect(res.json().session).toMatchObject({ status: 'cancelled', cancelReason: 'Oven broke' });
    expect((await call(app, bob, 'POST', `/api/sessions/${s.id}/registration`)).statusCode).toBe(409);
    expect(
      (await call(app, ada, 'POST', `/api/sessions/${s.id}/cancel`, { reason: 'Again' })).statusCode,
    ).toBe(409);
  });

  it('a moderator may cancel another member’s session; a third member may not (403); a reason is required', async () => {
    const me = await call(app, mod, 'GET', '/api/me');
    expect(me.json().user.roles).toContain('moderator');
    const s = await host(app, ada);
    expect(
      (await call(app, eve, 'POST', `/api/sessions/${s.id}/cancel`, { reason: 'Dislike' })).statusCode,
    ).toBe(403);
    expect((await call(app, mod, 'POST', `/api/sessions/${s.id}/cancel`, { reason: '' })).statusCode).toBe(
      400,
    );
    const res = await call(app, mod, 'POST', `/api/sessions/${s.id}/cancel`, { reason: 'Spam' });
    expect(res.statusCode).toBe(200);
    expect(res.json().session.status).toBe('cancelled');
  });
});

describe('POST /api/sessions/:id/complete', () => {
  it('refuses before the start (409)', async () => {
    const s = await host(app, ada);
    const res = await call(app, ada, 'POST', `/api/sessions/${s.id}/complete`, {});
    expect(res.statusCode).toBe(409);
  });

  it('refuses while the session runs (409 saying it must have ended): one click a minute in ends nothing', async () => {
    await waitUntil(soon.startsAt);
    expect((await call(app, bob, 'POST', `/api/sessions/${soon.id}/registration`)).statusCode).toBe(409);
    const res = await call(app, ada, 'POST', `/api/sessions/${soon.id}/complete`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/only once it has ended/);
    expect((await getSession(app, ada, soon.id)).status).toBe('scheduled');
  });

  it('after the end: not the host 403, a stranger as attendee 400; then each registered member sees their attendance', async () => {
    const ended = await endedSession(app, ada, [bob, eve]);
    expect((await call(app, mod, 'POST', `/api/sessions/${ended}/registration`)).statusCode).toBe(409);
    expect((await call(app, bob, 'POST', `/api/sessions/${ended}/complete`, {})).statusCode).toBe(403);
    const stranger = await call(app, ada, 'POST', `/api/sessions/${ended}/complete`, {
      attendeeIds: [bob.id, mod.id],
    });
    expect(stranger.statusCode).toBe(400);
    expect(paths(stranger)).toEqual(['attendeeIds']);
    expect((await getSession(app, bob, ended)).viewerAttendance).toBeNull();
    const res = await call(app, ada, 'POST', `/api/sessions/${ended}/complete`, { attendeeIds: [bob.id] });
    expect(res.statusCode).toBe(200);
    expect(res.json().session.status).toBe('completed');
    const attendees = await call(app, ada, 'GET', `/api/sessions/${ended}/attendees`);
    expect(attendees.json().registered).toMatchObject([
      { id: bob.id, attended: true },
      { id: eve.id, attended: false },
    ]);
    expect(await getSession(app, bob, ended)).toMatchObject({
      viewerRegistration: 'registered',
      viewerAttendance: 'present',
    });
    expect(await getSession(app, eve, ended)).toMatchObject({
      viewerRegistration: 'registered',
      viewerAttendance: 'absent',
    });
    expect((await getSession(app, mod, ended)).viewerAttendance).toBeNull();
    expect((await getSession(app, ada, ended)).viewerAttendance).toBeNull();
    expect((await call(app, ada, 'POST', `/api/sessions/${ended}/complete`)).statusCode).toBe(409);
  });
});

describe('GET /api/openapi.json', () => {
  it('describes every route of the Sessions section', async () => {
    const { paths } = (await call(app, null, 'GET', '/api/openapi.json')).json();
    const routes = {
      '/api/sessions': ['get', 'post'],
      '/api/sessions/{id}': ['get', 'patch'],
      '/api/sessions/{id}/cancel': ['post'],
      '/api/sessions/{id}/complete': ['post'],
      '/api/sessions/{id}/registration': ['post', 'delete'],
      '/api/sessions/{id}/attendees': ['get'],
      '/api/sessions/{id}/join': ['post'],
      '/api/sessions/{id}/calendar.ics': ['get'],
      '/api/me/sessions': ['get'],
    };
    for (const [path, methods] of Object.entries(routes)) {
      for (const method of methods) expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });
});
