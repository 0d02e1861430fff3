import { beforeAll, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { member, pastSession, review, untilCaughtUp } from './testing.ts';

let app: Platform;
beforeAll(async () => {
  app = await startTestPlatform(skillswap);
});

it("shows a mentor's sessions and rating in each skill on their profile", async () => {
  const [mentor, a, b] = await Promise.all([member(app, 'Mia'), member(app, 'Al'), member(app, 'Bo')]);
  const day = (n: number) => new Date(Date.now() - n * 86400_000).toISOString();
  const rye = await pastSession(app, mentor, day(3), 'Baking', [a, b]);
  await pastSession(app, mentor, day(2), 'baking', [a]);
  const chess = await pastSession(app, mentor, day(1), 'Chess', [b]);
  await review(app, a, rye, 5);
  await review(app, b, rye, 3);
  await review(app, b, chess, 4);
  await untilCaughtUp(app);
  const res = await app.http.inject({ url: `/api/users/${mentor.id}` });
  // Baking: two sessions (one skill whatever the case), ratings 5 and 3 → 4; Chess: one session, one 4.
  expect(res.json().profile.skillStats).toEqual([
    { skill: 'Baking', sessionsHosted: 2, averageRating: 4, ratingCount: 2 },
    { skill: 'Chess', sessionsHosted: 1, averageRating: 4, ratingCount: 1 },
  ]);
});
