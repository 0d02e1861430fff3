// The inbox: what reaches each member about the sessions they host, attend or wait for, read and paged over HTTP.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { NotificationPageView, NotificationView } from '../../read-models/notifications/views.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';

let app: Platform;
let host: { cookie: string };
let ann: { cookie: string; user: { id: string } };
let bob: { cookie: string; user: { id: string } };
let cat: { cookie: string; user: { id: string } };
let sessionId: string;

// Monday 10 June 2030, 18:00 in Berlin (16:00 UTC): far enough ahead, and the expected texts are fixed.
const STARTS = '2030-06-10T16:00:00Z';

async function inbox(cookie: string, query = 'limit=100'): Promise<NotificationPageView> {
  const res = await app.http.inject({
    method: 'GET',
    url: `/api/me/notifications?${query}`,
    headers: { cookie },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}
const kinds = async (cookie: string) => (await inbox(cookie)).items.map((n) => n.kind);
const markRead = (cookie: string, payload?: object) =>
  app.http.inject({
    method: 'POST',
    url: '/api/me/notifications/read',
    headers: { cookie },
    ...(payload ? { payload } : {}),
  });

async function register(cookie: string) {
  const res = await app.http.inject({
    method: 'POST',
    url: `/api/sessions/${sessionId}/registration`,
    headers: { cookie },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [host, ann, bob, cat] = await Promise.all([signUpAs(app), signUpAs(app), signUpAs(app), signUpAs(app)]);
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: { cookie: host.cookie },
    payload: {
      title: 'Sourdough basics',
      skill: 'Baking',
      description: 'Starter, dough, oven.',
      difficulty: 'beginner',
      startsAt: STARTS,
      durationMinutes: 60,
      capacity: 1,
      meetingUrl: 'https://meet.example.com/sourdough',
      timezone: 'Europe/Berlin',
    },
  });
  expect(res.statusCode).toBe(201);
  sessionId = res.json().session.id;
});

describe('GET /api/me/notifications', () => {
  it('answers 401 when signed out, for reading and for marking read', async () => {
    expect((await app.http.inject({ method: 'GET', url: '/api/me/notifications' })).statusCode).toBe(401);
    expect(
      (await app.http.inject({ method: 'POST', url: '/api/me/notifications/read', payload: {} })).statusCode,
    ).toBe(401);
  });

  it('tells a member who registers that they are in, with the local start time', async () => {
    expect(await register(ann.cookie)).toEqual({ status: 'registered' });
    const { items, unreadCount } = await inbox(ann.cookie);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'registered', sessionId, read: false });
    expect(items[0]!.title).toContain('Sourdough basics');
    expect(items[0]!.body).toBe('It starts Mon 10 Jun, 18:00 (Europe/Berlin).');
    expect(unreadCount).toBe(1);
    expect(await kinds(host.cookie)).toEqual([]);
  });

  it('tells a member who lands on the waitlist their position', async () => {
    expect(await register(bob.cookie)).toEqual({ status: 'waitlisted', waitlistPosition: 1 });
    expect(await register(cat.cookie)).toEqual({ status: 'waitlisted', waitlistPosition: 2 });
    const [n] = (await inbox(cat.cookie)).items;
    expect(n).toMatchObject({ kind: 'waitlisted', sessionId });
    expect(n!.body).toContain('number 2 in line');
    expect((await inbox(bob.cookie)).items[0]!.body).toContain('number 1 in line');
  });

  it('tells the first on the waitlist when a registered member leaves and the seat is theirs', async () => {
    const res = await app.http.inject({
      method: 'DELETE',
      url: `/api/sessions/${sessionId}/registration`,
      headers: { cookie: ann.cookie },
    });
    expect(res.statusCode).toBe(204);
    expect(await kinds(bob.cookie)).toEqual(['promoted', 'waitlisted']);
    expect((await inbox(bob.cookie)).items[0]!.body).toContain('Mon 10 Jun, 18:00 (Europe/Berlin)');
    expect(await kinds(cat.cookie)).toEqual(['waitlisted']);
    expect(await kinds(ann.cookie)).toEqual(['registered']);
  });

  it('tells registered and waitlisted members (not those who left) when the host edits title or description', async () => {
    const res = await app.http.inject({
      method: 'PATCH',
      url: `/api/sessions/${sessionId}`,
      headers: { cookie: host.cookie },
      payload: { title: 'Sourdough for beginners', description: 'Starter, dough, oven, patience.' },
    });
    expect(res.statusCode).toBe(200);
    for (const member of [bob, cat]) {
      const [n] = (await inbox(member.cookie)).items;
      expect(n).toMatchObject({ kind: 'changed', sessionId });
      expect(n!.title).toContain('Sourdough for beginners');
      expect(n!.body).toBe('Changed: title, description.');
    }
    expect(await kinds(ann.cookie)).toEqual(['registered']);
  });

  it('tells them the new time, in the session time zone, when the host reschedules', async () => {
    const res = await app.http.inject({
      method: 'PATCH',
      url: `/api/sessions/${sessionId}`,
      headers: { cookie: host.cookie },
      payload: { startsAt: '2030-06-12T07:30:00Z' },
    });
    expect(res.statusCode).toBe(200);
    for (const member of [bob, cat]) {
      const [n] = (await inbox(member.cookie)).items;
      expect(n).toMatchObject({ kind: 'rescheduled', sessionId });
      expect(n!.body).toBe(
        'It now starts Wed 12 Jun, 09:30 (Europe/Berlin) (was Mon 10 Jun, 18:00 (Europe/Berlin)).',
      );
    }
  });

  it('does not call it a new time when the host sends the same instant written another way', async () => {
    const before = (await inbox(bob.cookie)).items.length;
    const shown = (await app.http.inject({ method: 'GET', url: `/api/sessions/${sessionId}` })).json().session
      .startsAt;
    expect(shown).toBe('2030-06-12T07:30:00.000Z');
    for (const startsAt of [shown, '2030-06-12T09:30:00+02:00']) {
      const res = await app.http.inject({
        method: 'PATCH',
        url: `/api/sessions/${sessionId}`,
        headers: { cookie: host.cookie },
        payload: { startsAt },
      });
      expect(res.statusCode).toBe(200);
    }
    expect((await inbox(bob.cookie)).items.length).toBe(before);
    const { rows } = await app.pool.query(
      `SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'SessionRescheduled'`,
      [`session-${sessionId}`],
    );
    expect(rows[0].n).toBe(1);
  });

  it('tells them a cancellation and carries the host reason', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/sessions/${sessionId}/cancel`,
      headers: { cookie: host.cookie },
      payload: { reason: 'My oven broke' },
    });
    expect(res.statusCode).toBe(200);
    for (const member of [bob, cat]) {
      const [n] = (await inbox(member.cookie)).items;
      expect(n).toMatchObject({ kind: 'cancelled', sessionId });
      expect(n!.title).toContain('Sourdough for beginners');
      expect(n!.body).toBe('Reason: My oven broke');
    }
    expect(await kinds(bob.cookie)).toEqual([
      'cancelled',
      'rescheduled',
      'changed',
      'promoted',
      'waitlisted',
    ]);
    expect(await kinds(ann.cookie)).toEqual(['registered']);
  });
});

describe('POST /api/me/notifications/read', () => {
  it('counts unread, marks only the given ids, and ignores ids of other members', async () => {
    const before = await inbox(bob.cookie);
    expect(before.unreadCount).toBe(5);
    const [first, second] = before.items;
    const annsId = (await inbox(ann.cookie)).items[0]!.id;
    const res = await markRead(bob.cookie, { ids: [first!.id, second!.id, annsId] });
    expect(res.statusCode).toBe(204);
    const after = await inbox(bob.cookie);
    expect(after.unreadCount).toBe(3);
    expect(after.items.map((n) => n.read)).toEqual([true, true, false, false, false]);
    expect((await inbox(ann.cookie)).unreadCount).toBe(1);
  });

  it('marks everything read when no ids are given', async () => {
    expect((await markRead(cat.cookie)).statusCode).toBe(204);
    const { items, unreadCount } = await inbox(cat.cookie);
    expect(unreadCount).toBe(0);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((n) => n.read)).toBe(true);
    expect((await inbox(bob.cookie)).unreadCount).toBe(3);
  });

  it('is described in the OpenAPI document (the optional body still renders)', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/api/me/notifications/read'].post).toBeDefined();
  });

  it('answers 400 for an empty list or more than 200 ids, and marks nothing', async () => {
    expect((await markRead(bob.cookie, { ids: [] })).statusCode).toBe(400);
    const tooMany = Array.from({ length: 201 }, (_, i) => `id-${i}`);
    const res = await markRead(bob.cookie, { ids: tooMany });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect((await inbox(bob.cookie)).unreadCount).toBe(3);
  });
});

describe('paging', () => {
  it('walks the whole inbox newest first with the cursor, without gaps or repeats', async () => {
    const all = (await inbox(bob.cookie)).items;
    const seen: NotificationView[] = [];
    let cursor: string | null = null;
    do {
      const page: NotificationPageView = await inbox(
        bob.cookie,
        `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((n) => n.id)).toEqual(all.map((n) => n.id));
    expect(seen).toHaveLength(5);
    const times = seen.map((n) => Date.parse(n.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('answers 400 for a cursor that is not ours', async () => {
    const res = await app.http.inject({
      method: 'GET',
      url: '/api/me/notifications?cursor=nonsense',
      headers: { cookie: bob.cookie },
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('rebuilding the notifications read model', () => {
  it('recreates exactly the same rows, read marks included', async () => {
    const dump = async () => ({
      notifications: (await app.pool.query('SELECT * FROM notifications ORDER BY notification_id')).rows,
      sessions: (await app.pool.query('SELECT * FROM notification_sessions ORDER BY session_id')).rows,
      audience: (await app.pool.query('SELECT * FROM notification_audience ORDER BY session_id, member_id'))
        .rows,
    });
    const before = await dump();
    expect(before.notifications.filter((r) => r.read_at !== null).length).toBeGreaterThan(0);
    await app.rebuild('notifications');
    const after = await dump();
    expect(after).toEqual(before);
    expect((await inbox(bob.cookie)).unreadCount).toBe(3);
  });
});
