// Points follow content, through the real commands: a review's points (its author's 3 for writing it, its host's
// for a 4★ or 5★ rating) go while moderation hides it and come back when it is restored, go for good when it is
// deleted, and neither a second hide nor a replay of the whole log by the reactor moves them twice.
//
//   S1 Hana  Baking  2025-05-05  attended Ada, Ben
//   Ada reviews S1 5★ (Ada +3, Hana +5); Ben reviews S1 4★ (Ben +3, Hana +2)
//   Before any review: Hana 10 + 2 × 2 = 14; Ada 5; Ben 5.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { changeRole } from '../identity/index.ts';
import { skillswap } from '../index.ts';
import { board, type Member, member, pastSession, profileOf, review, untilCaughtUp } from './testing.ts';

let app: Platform;
let hana: Member, ada: Member, ben: Member, mo: Member;
let adaReview: string, benReview: string;

const pointsOf = async (m: Member) => (await profileOf(app, m.id)).reputation.points;
const points = async () => ({
  hana: await pointsOf(hana),
  ada: await pointsOf(ada),
  ben: await pointsOf(ben),
});
const moderate = async (action: 'hide' | 'restore', reviewId: string) => {
  const res = await app.http.inject({
    method: 'POST',
    url: `/api/moderation/content/review/${reviewId}/${action}`,
    headers: { cookie: mo.cookie },
    payload: { note: `${action} for the test` },
  });
  expect(res.statusCode).toBe(200);
  await untilCaughtUp(app);
};
const eventCounts = async () =>
  (
    await app.pool.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM events WHERE type IN ('PointsAwarded', 'PointsWithdrawn')
        GROUP BY type ORDER BY type`,
    )
  ).rows;
/** Runs the gamification reactor over the whole log again, from position 0, and waits for it and the boards. */
async function replayGamification() {
  const { position: head } = await app.store.head();
  await app.pool.query(
    `UPDATE projection_checkpoints SET transaction_id = '0', position = 0 WHERE name = 'gamification'`,
  );
  // The runner remembers the checkpoints it wrote: watch the row itself until the replay has passed the head.
  for (let tries = 0; ; tries++) {
    const { rows } = await app.pool.query(
      `SELECT position FROM projection_checkpoints WHERE name = 'gamification'`,
    );
    if (rows[0].position >= head) break;
    if (tries > 300) throw new Error('the gamification reactor did not replay the log');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await untilCaughtUp(app, 15_000);
}

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [hana, ada, ben, mo] = await Promise.all([
    member(app, 'Hana'),
    member(app, 'Ada'),
    member(app, 'Ben'),
    member(app, 'Mo'),
  ]);
  const moEmail = (await app.http.inject({ url: '/api/me', headers: { cookie: mo.cookie } })).json().user
    .email;
  await changeRole(app.command, moEmail, 'moderator', true, { actorId: null });
  const s1 = await pastSession(app, hana, '2025-05-05T10:00:00Z', 'Baking', [ada, ben]);
  await untilCaughtUp(app);
  expect(await points()).toEqual({ hana: 14, ada: 5, ben: 5 });
  adaReview = await review(app, ada, s1, 5);
  benReview = await review(app, ben, s1, 4);
  await untilCaughtUp(app);
});

describe('points that follow their review', () => {
  it('are given for a review: the author 3, the host by the rating', async () => {
    expect(await points()).toEqual({ hana: 14 + 5 + 2, ada: 5 + 3, ben: 5 + 3 });
  });

  it('go while the review is hidden, for its author and its host, on the profile and the boards', async () => {
    await moderate('hide', adaReview);
    expect(await points()).toEqual({ hana: 14 + 2, ada: 5, ben: 8 });
    expect(await board(app, '?period=all')).toEqual([
      [1, 'Hana', 16],
      [2, 'Ben', 8],
      [3, 'Ada', 5],
    ]);
    // The month the points were awarded in loses them, whatever month it is now.
    expect(await board(app, '?skill=baking')).toEqual([
      [1, 'Hana', 16],
      [2, 'Ben', 8],
      [3, 'Ada', 5],
    ]);
  });

  it('are not taken twice: a second hide changes nothing', async () => {
    const before = await eventCounts();
    await moderate('hide', adaReview);
    expect(await points()).toEqual({ hana: 16, ada: 5, ben: 8 });
    expect(await eventCounts()).toEqual(before);
  });

  it('come back when the review is restored', async () => {
    await moderate('restore', adaReview);
    expect(await points()).toEqual({ hana: 21, ada: 8, ben: 8 });
    expect(await board(app, '?period=all')).toEqual([
      [1, 'Hana', 21],
      [2, 'Ada', 8],
      [2, 'Ben', 8],
    ]);
  });

  it('go for good when the author deletes the review', async () => {
    const res = await app.http.inject({
      method: 'DELETE',
      url: `/api/reviews/${benReview}`,
      headers: { cookie: ben.cookie },
    });
    expect(res.statusCode).toBe(204);
    await untilCaughtUp(app);
    expect(await points()).toEqual({ hana: 21 - 2, ada: 8, ben: 5 });
    expect(await board(app, '?period=all')).toEqual([
      [1, 'Hana', 19],
      [2, 'Ada', 8],
      [3, 'Ben', 5],
    ]);
  });

  it('are neither given nor taken again when the reactor replays the whole log', async () => {
    const before = await eventCounts();
    // Awarded: 3 for S1 (Hana hosted, Ada and Ben attended), 4 for the reviews, 2 again on Ada's restoration.
    // Taken back: 2 when Ada's review was hidden, 2 when Ben deleted his (his 3, Hana's 2).
    expect(before).toEqual([
      { type: 'PointsAwarded', n: 9 },
      { type: 'PointsWithdrawn', n: 4 },
    ]);
    await replayGamification();
    expect(await eventCounts()).toEqual(before);
    expect(await points()).toEqual({ hana: 19, ada: 8, ben: 5 });
  });
});
