// GET /api/leaderboards: periods, skill filter, limit and validation; GET /api/badges.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { monthOf } from '../../read-models/leaderboards/period.ts';
import { leaderboard } from '../../read-models/leaderboards/queries.ts';
import { skillswap } from '../index.ts';
import { board, eventually, member, pastSession, review, untilCaughtUp } from './testing.ts';

let app: Platform;

// Lena hosts Public Speaking with Mo and Noa (10 + 2 × 2 = 14), Mo reviews it 5★ (Lena +5, Mo +3);
// Oli hosts Guitar with Noa (10 + 2 = 12). Totals: Lena 19, Oli 12, Noa 5 + 5 = 10, Mo 5 + 3 = 8.
// Pia signs up and does nothing: no points, not on any board.
const ALL = [
  [1, 'Lena', 19],
  [2, 'Oli', 12],
  [3, 'Noa', 10],
  [4, 'Mo', 8],
] as const;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  const [lena, oli, mo, noa] = await Promise.all(
    ['Lena', 'Oli', 'Mo', 'Noa', 'Pia'].map((n) => member(app, n)),
  );
  const [speaking] = await Promise.all([
    pastSession(app, lena!, new Date(Date.now() - 3 * 86400_000).toISOString(), 'Public Speaking', [
      mo!,
      noa!,
    ]),
    pastSession(app, oli!, new Date(Date.now() - 2 * 86400_000).toISOString(), 'Guitar', [noa!]),
  ]);
  await review(app, mo!, speaking, 5);
  await untilCaughtUp(app);
  await eventually(async () => expect(await board(app)).toEqual(ALL));
});

describe('GET /api/leaderboards', () => {
  it('defaults to all time, overall, ranked by points, without members who have none', async () => {
    expect(await board(app)).toEqual(ALL);
    expect(await board(app, '?period=all')).toEqual(ALL);
  });

  it('counts points awarded now in this month’s board, and in no other month', async () => {
    // Given points all recorded moments ago (in the month of their recording, whatever the sessions' dates)
    const { rows } = await app.pool.query<{ at: Date }>(
      `SELECT max(recorded_at) AS at FROM events WHERE type = 'PointsAwarded'`,
    );
    const awarded = rows[0]!.at;
    // When this month's board is asked for; Then it is the all-time board (unless the month turned meanwhile)
    expect(await board(app, '?period=month')).toEqual(monthOf(new Date()) === monthOf(awarded) ? ALL : []);
    // And as of the month of the awards it holds them all, as of the next month nobody (the clock is a parameter)
    expect(
      (await leaderboard(app.pool, { period: 'month', limit: 20 }, awarded)).map((e) => e.points),
    ).toEqual([19, 12, 10, 8]);
    const nextMonth = new Date(Date.UTC(awarded.getUTCFullYear(), awarded.getUTCMonth() + 1, 1));
    expect(await leaderboard(app.pool, { period: 'month', limit: 20 }, nextMonth)).toEqual([]);
  });

  it('files a month by UTC time', () => {
    expect(monthOf(new Date('2026-01-31T23:59:59.999Z'))).toBe('2026-01');
    expect(monthOf(new Date('2026-02-01T00:00:00Z'))).toBe('2026-02');
    expect(monthOf(new Date('2026-02-01T00:30:00+01:00'))).toBe('2026-01');
  });

  it('filters by skill case-insensitively, white space tidied', async () => {
    // Public Speaking: Lena 14 + 5 = 19, Mo 5 + 3 = 8, Noa 5. Guitar: Oli 12, Noa 5.
    const speaking = [
      [1, 'Lena', 19],
      [2, 'Mo', 8],
      [3, 'Noa', 5],
    ];
    for (const skill of ['Public Speaking', 'public speaking', '  PUBLIC   speaking ']) {
      expect(await board(app, `?skill=${encodeURIComponent(skill)}`)).toEqual(speaking);
    }
    expect(await board(app, '?skill=GUITAR')).toEqual([
      [1, 'Oli', 12],
      [2, 'Noa', 5],
    ]);
    expect(await board(app, '?skill=Baking')).toEqual([]);
  });

  it('answers at most `limit` entries', async () => {
    expect(await board(app, '?limit=2')).toEqual(ALL.slice(0, 2));
    expect(await board(app, '?limit=1&skill=guitar')).toEqual([[1, 'Oli', 12]]);
  });

  it.each([
    ['period=week', 'querystring.period'],
    ['period=', 'querystring.period'],
    ['limit=0', 'querystring.limit'],
    ['limit=101', 'querystring.limit'],
    ['limit=ten', 'querystring.limit'],
    [`skill=${'x'.repeat(51)}`, 'querystring.skill'],
  ])('answers 400 for %s', async (query, path) => {
    const res = await app.http.inject({ method: 'GET', url: `/api/leaderboards?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: [expect.objectContaining({ path })],
    });
  });
});

describe('GET /api/badges', () => {
  it('publishes every badge with its rule, and how points are earned', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/api/badges' });
    expect(res.statusCode).toBe(200);
    const { items, points } = res.json();
    expect(items.map((b: { key: string }) => b.key)).toEqual([
      'first-session-hosted',
      'sessions-10',
      'sessions-50',
      'students-100',
      'top-rated',
      'first-review',
      'learning-streak',
      'five-skills',
      'first-swap',
      'five-swaps',
    ]);
    expect(items.find((b: { key: string }) => b.key === 'top-rated').rule).toMatch(/4\.8 over at least 10/);
    expect(points.map((p: { key: string; rule: string }) => p.key)).toEqual([
      'hosted',
      'attended',
      'reviewed',
      'rated',
      'swapped',
    ]);
    expect(points[0].rule).toMatch(/10 points plus 2 per attendee/);
  });
});
