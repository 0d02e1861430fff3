// The key test of reputation and gamification: a scripted history replayed through the real commands (sessions in
// the past, attendance, reviews over HTTP, an edited rating, a deleted review), then every reputation figure, point
// total, badge and leaderboard rank checked against values worked out by hand below.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import {
  board,
  eventually,
  type Member,
  member,
  pastSession,
  profileOf,
  review,
  untilCaughtUp,
} from './testing.ts';

let app: Platform;
let hana: Member, ivo: Member, ada: Member, ben: Member, cy: Member, dee: Member;

// The script. Weeks are Monday-based UTC: W0 starts Mon 2025-03-03.
//   S1 Hana  Baking      Mon 2025-03-03 (W0)  registered Ada Ben Cy   attended Ada Ben       (Cy did not come)
//   S2 Hana  Guitar      Tue 2025-03-11 (W1)  registered Ada Cy       attended Ada Cy
//   S3 Hana  Spanish     Wed 2025-03-19 (W2)  registered Ada          attended Ada
//   S4 Ivo   Drawing     Wed 2025-03-26 (W3)  registered Ada Ben      attended Ada Ben
//   S5 Ivo   BAKING      Wed 2025-04-02 (W4)  registered Ada Dee      attended Ada Dee       (same skill as S1)
//   S6 Ivo   TypeScript  Tue 2025-04-08 (W5)  registered Ada Cy Dee   attended Ada Cy        (Dee did not come)
// Reviews: Ada S1 5★, Ben S1 4★, Cy S2 3★, Ada S2 4★ (then edited to 3★), Ada S4 5★, Ben S4 2★ (then deleted),
//          Dee S5 4★, Cy S6 2★.
beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  const people = await Promise.all(['Hana', 'Ivo', 'Ada', 'Ben', 'Cy', 'Dee'].map((n) => member(app, n)));
  [hana, ivo, ada, ben, cy, dee] = people as [Member, Member, Member, Member, Member, Member];
  // Independent commands run side by side (each waits for the read models); the figures do not depend on their order.
  const [s1, s2, , s4, s5, s6] = await Promise.all([
    pastSession(app, hana, '2025-03-03T10:00:00Z', 'Baking', [ada, ben, cy], [ada, ben]),
    pastSession(app, hana, '2025-03-11T10:00:00Z', 'Guitar', [ada, cy]),
    pastSession(app, hana, '2025-03-19T10:00:00Z', 'Spanish', [ada]),
    pastSession(app, ivo, '2025-03-26T10:00:00Z', 'Drawing', [ada, ben]),
    pastSession(app, ivo, '2025-04-02T10:00:00Z', 'BAKING', [ada, dee]),
    pastSession(app, ivo, '2025-04-08T10:00:00Z', 'TypeScript', [ada, cy, dee], [ada, cy]),
  ]);
  const [adaOnS2, benOnS4] = await Promise.all([
    review(app, ada, s2, 4),
    review(app, ben, s4, 2),
    review(app, ada, s1, 5),
    review(app, ben, s1, 4),
    review(app, cy, s2, 3),
    review(app, ada, s4, 5),
    review(app, dee, s5, 4),
    review(app, cy, s6, 2),
  ]);
  const headers = (m: Member) => ({ cookie: m.cookie });
  const edit = await app.http.inject({
    method: 'PATCH',
    url: `/api/reviews/${adaOnS2}`,
    headers: headers(ada),
    payload: { rating: 3 },
  });
  expect(edit.statusCode).toBe(200);
  const del = await app.http.inject({
    method: 'DELETE',
    url: `/api/reviews/${benOnS4}`,
    headers: headers(ben),
  });
  expect(del.statusCode).toBe(204);
  // A refused review (Cy did not attend S1) earns nothing
  const refused = await app.http.inject({
    method: 'POST',
    url: `/api/sessions/${s1}/reviews`,
    headers: headers(cy),
    payload: { rating: 5 },
  });
  expect(refused.statusCode).toBe(403);
  // The gamification reactor appends after the commands answered: wait until everything is processed
  await untilCaughtUp(app);
});

describe('a scripted history, checked by hand', () => {
  it('gives each host the reputation worked out by hand', async () => {
    await eventually(async () => {
      // Hana: hosted S1 S2 S3 = 3; students {Ada, Ben} ∪ {Ada, Cy} ∪ {Ada} = {Ada, Ben, Cy} = 3 (Cy's no-show at S1
      // does not count, she was taught at S2); ratings 5, 4, 3, 3 (Ada's 4 edited to 3) = 15 / 4 = 3.75.
      expect((await profileOf(app, hana.id)).reputation).toEqual({
        averageRating: 3.75,
        ratingCount: 4,
        sessionsHosted: 3,
        studentsTaught: 3,
        points: 49,
        // All three held, none recorded as not held.
        reliability: 1,
      });
      // Ivo: hosted S4 S5 S6 = 3; students {Ada, Ben} ∪ {Ada, Dee} ∪ {Ada, Cy} = 4; ratings 5, 4, 2 (Ben's 2 on S4
      // deleted) = 11 / 3 = 3.666… → 3.67.
      expect((await profileOf(app, ivo.id)).reputation).toEqual({
        averageRating: 3.67,
        ratingCount: 3,
        sessionsHosted: 3,
        studentsTaught: 4,
        points: 49,
        reliability: 1,
      });
    });
  });

  it('gives every member the hours taught and learned worked out by hand', async () => {
    // Every session is an hour. Taught: its host; learned: those marked present (Cy at S1 and Dee at S6 were not).
    const expected: [Member, number, number][] = [
      [hana, 3, 0],
      [ivo, 3, 0],
      [ada, 0, 6],
      [ben, 0, 2],
      [cy, 0, 2],
      [dee, 0, 1],
    ];
    await eventually(async () => {
      for (const [m, taught, learned] of expected) {
        expect({ who: m.displayName, ...(await profileOf(app, m.id)).hours }).toEqual({
          who: m.displayName,
          taught,
          learned,
          balance: taught - learned,
        });
      }
    });
  });

  it('gives every member the points worked out by hand', async () => {
    // Hosting earns 10 + 2 per attendee: S1 14, S2 14, S3 12, S4 14, S5 14, S6 14.
    // A received rating earns the host 5 for 5★, 2 for 4★, 0 otherwise, at submission (a later edit moves the
    // average, not the points). Attending earns 5, writing a review 3. A deleted review's points are taken back.
    const expected: [Member, number][] = [
      // 14 + 14 + 12 hosted + 5 (Ada S1 5★) + 2 (Ben S1 4★) + 0 (Cy S2 3★) + 2 (Ada S2 4★ when written) = 49
      [hana, 49],
      // 14 + 14 + 14 hosted + 5 (Ada S4 5★) + 0 (Ben S4 2★) + 2 (Dee S5 4★) + 0 (Cy S6 2★) = 49
      [ivo, 49],
      // attended 6 × 5 = 30 + reviewed S1 S2 S4 3 × 3 = 9 → 39
      [ada, 39],
      // attended S1 S4 2 × 5 = 10 + reviewed S1 3 (his S4 review, deleted, no longer counts) → 13
      [ben, 13],
      // attended S2 S6 2 × 5 = 10 + reviewed S2 S6 2 × 3 = 6 → 16
      [cy, 16],
      // attended S5 5 + reviewed S5 3 → 8
      [dee, 8],
    ];
    await eventually(async () => {
      for (const [m, points] of expected) {
        const { reputation } = await profileOf(app, m.id);
        expect({ who: m.displayName, points: reputation.points }).toEqual({ who: m.displayName, points });
        if (m !== hana && m !== ivo) {
          expect(reputation).toMatchObject({
            averageRating: null,
            ratingCount: 0,
            sessionsHosted: 0,
            studentsTaught: 0,
          });
        }
      }
    });
  });

  it('awards every badge earned, each once, and no other', async () => {
    const expected: [Member, string[]][] = [
      [hana, ['first-session-hosted']], // 3 hosted: not 10; 4 ratings: not top-rated
      [ivo, ['first-session-hosted']],
      // Ada: reviews; weeks W0..W5 in a row (≥ 4); skills Baking = BAKING, Guitar, Spanish, Drawing, TypeScript = 5
      [ada, ['first-review', 'five-skills', 'learning-streak']],
      [ben, ['first-review']], // weeks W0 and W3 only: no streak
      [cy, ['first-review']],
      [dee, ['first-review']],
    ];
    await eventually(async () => {
      for (const [m, badges] of expected) {
        const profile = await profileOf(app, m.id);
        expect({ who: m.displayName, badges: profile.badges.map((b) => b.key).sort() }).toEqual({
          who: m.displayName,
          badges,
        });
      }
    });
    const ada5 = (await profileOf(app, ada.id)).badges.find((b) => b.key === 'five-skills');
    expect(ada5).toMatchObject({ name: 'Five skills learned', awardedAt: expect.any(String) });
  });

  it('wrote each award exactly once in the event log', async () => {
    const { rows } = await app.pool.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM events
        WHERE type IN ('PointsAwarded', 'PointsWithdrawn', 'RatingTallied', 'BadgeAwarded')
        GROUP BY type ORDER BY type`,
    );
    // Points: 6 hosted + 11 attendances (2+2+1+2+2+2) + 8 reviews written + 8 ratings received = 33.
    // Taken back: Ben's 3 for his deleted review (Ivo's 0 for its 2★ leave nothing to take back) = 1.
    // Tallies: 8 ratings + 1 edit + 1 deletion = 10. Badges: 1 + 1 + 3 + 1 + 1 + 1 = 8.
    expect(rows).toEqual([
      { type: 'BadgeAwarded', n: 8 },
      { type: 'PointsAwarded', n: 33 },
      { type: 'PointsWithdrawn', n: 1 },
      { type: 'RatingTallied', n: 10 },
    ]);
  });

  it('ranks the all-time leaderboard, ties sharing a rank', async () => {
    await eventually(async () => {
      // Hana and Ivo tie at 49 (rank 1, by name); Ada is 3rd, not 2nd
      expect(await board(app, '?period=all')).toEqual([
        [1, 'Hana', 49],
        [1, 'Ivo', 49],
        [3, 'Ada', 39],
        [4, 'Cy', 16],
        [5, 'Ben', 13],
        [6, 'Dee', 8],
      ]);
    });
  });

  it('ranks each skill’s leaderboard from the points earned in that skill', async () => {
    await eventually(async () => {
      // Baking (S1 "Baking" and S5 "BAKING" are one skill):
      //   Hana 14 (S1) + 5 + 2 (ratings) = 21; Ivo 14 (S5) + 2 (Dee 4★) = 16; Ada 5 + 5 (attended) + 3 (reviewed S1) = 13;
      //   Ben 5 + 3 = 8; Dee 5 + 3 = 8 (tie, rank 4); Cy did not attend: not on the board.
      expect(await board(app, '?skill=%20BaKing%20')).toEqual([
        [1, 'Hana', 21],
        [2, 'Ivo', 16],
        [3, 'Ada', 13],
        [4, 'Ben', 8],
        [4, 'Dee', 8],
      ]);
      // Guitar (S2): Hana 14 + 0 (3★) + 2 (Ada's 4★ when written) = 16; Ada 5 + 3 = 8; Cy 5 + 3 = 8.
      expect(await board(app, '?skill=guitar')).toEqual([
        [1, 'Hana', 16],
        [2, 'Ada', 8],
        [2, 'Cy', 8],
      ]);
      // Drawing (S4): Ivo 14 + 5 + 0 = 19; Ada 5 + 3 = 8; Ben 5 (his deleted review's 3 taken back).
      expect(await board(app, '?skill=Drawing')).toEqual([
        [1, 'Ivo', 19],
        [2, 'Ada', 8],
        [3, 'Ben', 5],
      ]);
      // TypeScript (S6): Ivo 14 + 0 (2★) = 14; Cy 5 + 3 = 8; Ada 5.
      expect(await board(app, '?skill=typescript')).toEqual([
        [1, 'Ivo', 14],
        [2, 'Cy', 8],
        [3, 'Ada', 5],
      ]);
      // Spanish (S3): Hana 10 + 2 = 12; Ada 5.
      expect(await board(app, '?skill=SPANISH')).toEqual([
        [1, 'Hana', 12],
        [2, 'Ada', 5],
      ]);
      expect(await board(app, '?skill=Knitting')).toEqual([]);
    });
  });
});
