// Rebuilding every projection produces identical tables: after a rich history (the demo community, plus reviews,
// an edit, a reply, a deletion and a rename over the API), a hash of every read-model table is the same before a
// rebuild of all projectors, after it, and after a second one.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { untilCaughtUp } from '../infra/testing/caught-up.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { reviewIdFor } from '../modules/feedback/index.ts';
import { skillswap } from '../modules/index.ts';
import { DEMO_PASSWORD, seedDemoCommunity } from '../scripts/demo/community.ts';
import { readModels } from './index.ts';

let app: Platform;

/** table → md5 of all its rows as text, in a fixed order (null for an empty table). */
async function hashes(): Promise<Record<string, string | null>> {
  const result: Record<string, string | null> = {};
  for (const projector of readModels) {
    for (const table of projector.tables) {
      const { rows } = await app.pool.query<{ h: string | null }>(
        `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${table} t`,
      );
      result[`${projector.name}.${table}`] = rows[0]!.h;
    }
  }
  return result;
}

async function rebuildAll() {
  for (const p of readModels) await app.rebuild(p.name);
  await untilCaughtUp(app);
}

async function signIn(key: string) {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: `${key}@skillswap.demo`, password: DEMO_PASSWORD },
  });
  expect(res.statusCode).toBe(200);
  const setCookie = res.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [String(setCookie)])
    .map((c) => c.split(';')[0])
    .join('; ');
  return { id: res.json().user.id as string, cookie };
}

async function sessionTitled(title: string) {
  const { rows } = await app.pool.query<{ session_id: string }>(
    'SELECT session_id FROM session_listings WHERE title = $1',
    [title],
  );
  return rows[0]!.session_id;
}

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  await seedDemoCommunity(app);
  const [morgan, aisha, jonas, kwame, priya, mei] = await Promise.all(
    ['morgan', 'aisha', 'jonas', 'kwame', 'priya', 'mei'].map(signIn),
  );
  const typescript = await sessionTitled('TypeScript from JavaScript in one evening');
  const chords = await sessionTitled('Reading chord charts');
  const fermentation = await sessionTitled('Fermentation basics: sauerkraut and kimchi');
  const as = (who: { cookie: string }, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.http.inject({ method, url, headers: { cookie: who.cookie }, ...(payload ? { payload } : {}) });
  const answers = [
    await as(morgan!, 'POST', `/api/sessions/${typescript}/reviews`, {
      rating: 3,
      comment: 'Fast, but fine.',
    }),
    await as(aisha!, 'POST', `/api/sessions/${chords}/reviews`, {
      rating: 5,
      comment: 'Now I can read a chart.',
    }),
    await as(jonas!, 'PATCH', `/api/reviews/${reviewIdFor(typescript, jonas!.id)}`, { rating: 4 }),
    await as(kwame!, 'POST', `/api/reviews/${reviewIdFor(typescript, jonas!.id)}/reply`, {
      reply: 'Thanks, Jonas!',
    }),
    await as(priya!, 'DELETE', `/api/reviews/${reviewIdFor(fermentation, priya!.id)}`),
    await as(mei!, 'PATCH', '/api/me/profile', { displayName: 'Mei C.' }),
  ];
  expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 200, 200, 204, 200]);
  await untilCaughtUp(app);
});

describe('rebuilding every read model', () => {
  it('starts from a rich history: every table of reviews, reputation and leaderboards has rows', async () => {
    const before = await hashes();
    const empty = Object.entries(before)
      .filter(([, h]) => h === null)
      .map(([t]) => t);
    for (const table of [
      'reviews.reviews',
      'reviews.review_people',
      'reviews.review_sessions',
      'member_profiles.member_profiles',
      'member_profiles.reputation_students',
      'member_profiles.reputation_ratings',
      'member_profiles.mentor_skill_stats',
      'member_profiles.member_badges',
      'leaderboards.leaderboard_points',
      'leaderboards.leaderboard_people',
    ]) {
      expect(empty).not.toContain(table);
    }
  });

  it('produces identical tables, and a second rebuild again', async () => {
    const before = await hashes();
    await rebuildAll();
    const once = await hashes();
    expect(once).toEqual(before);
    await rebuildAll();
    expect(await hashes()).toEqual(before);
  });

  it('would notice a difference (the hash covers every row and column)', async () => {
    const before = await hashes();
    await app.pool.query(
      `UPDATE reviews SET comment = comment || '!' WHERE review_id = (SELECT min(review_id) FROM reviews)`,
    );
    try {
      const after = await hashes();
      expect(Object.keys(after).filter((t) => after[t] !== before[t])).toEqual(['reviews.reviews']);
    } finally {
      await app.rebuild('reviews');
    }
    expect(await hashes()).toEqual(before);
  });
});
