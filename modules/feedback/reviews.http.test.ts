// Every Feedback route over HTTP, with its error paths. The 14-day edit window's closed side is in decide.test.ts
// (a review's submission time is the event's recorded time, which a test cannot set back).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../infra/http/cursor.ts';
import { encodeCursor } from '../../infra/http/cursor.ts';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { ReviewView } from '../../read-models/reviews/views.ts';
import { skillswap } from '../index.ts';
import { call, DAY, type Member, member, pastSession, reputationOf } from './testing.ts';

let app: Platform;
// The host, two attendees (ada, bob), one registered who did not come (cat), one never registered (dan).
let host: Member, ada: Member, bob: Member, cat: Member, dan: Member;
let done: string; // completed: ada and bob attended
let upcoming: string; // still scheduled, ada registered
let adaReview: string, bobReview: string;

const review = (who: Member | null, sessionId: string, body: unknown) =>
  call(app, who, 'POST', `/api/sessions/${sessionId}/reviews`, body);
const listOf = async (url: string) => {
  const res = await call(app, null, 'GET', url);
  expect(res.statusCode).toBe(200);
  return res.json() as Page<ReviewView>;
};

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  const people = await Promise.all(['Hosta', 'Ada', 'Bob', 'Cat', 'Dan'].map((n) => member(app, n)));
  [host, ada, bob, cat, dan] = people as [Member, Member, Member, Member, Member];
  done = await pastSession(app, host, {
    registered: [ada, bob, cat],
    attendees: [ada, bob],
    title: 'Rye bread',
  });
  upcoming = await pastSession(app, host, {
    registered: [ada],
    startsAt: new Date(Date.now() + 3 * DAY).toISOString(),
    complete: false,
  });
});

describe('POST /api/sessions/:id/reviews', () => {
  it('given an attendee of a completed session, answers 201 with the review', async () => {
    const res = await review(ada, done, { rating: 4, comment: '  Good rye.  ' });
    expect(res.statusCode).toBe(201);
    const r = res.json().review;
    expect(r).toEqual({
      id: expect.any(String),
      sessionId: done,
      sessionTitle: 'Rye bread',
      skill: 'Baking',
      hostId: host.id,
      author: { id: ada.id, displayName: 'Ada' },
      rating: 4,
      comment: 'Good rye.',
      reply: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      editedAt: null,
      sealed: false,
    });
    adaReview = r.id;
    expect(Math.abs(Date.parse(r.createdAt) - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    ['rating 0', { rating: 0 }],
    ['rating 6', { rating: 6 }],
    ['rating 2.5', { rating: 2.5 }],
    ["rating 'x'", { rating: 'x' }],
    ['no rating', { comment: 'fine' }],
  ])('answers 400 for %s, naming the field', async (_what, body) => {
    const res = await review(bob, done, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['rating']);
  });

  it('answers 400 for a comment over 2000 characters, and takes one of exactly 2000', async () => {
    const res = await review(bob, done, { rating: 3, comment: 'x'.repeat(2001) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['comment']);
    expect((await review(dan, done, { rating: 3, comment: 'x'.repeat(2000) })).statusCode).toBe(403); // valid body, reached the rules
  });

  it('answers 401 signed out, 403 for the host and for members who did not attend', async () => {
    expect((await review(null, done, { rating: 5 })).statusCode).toBe(401);
    for (const who of [host, cat, dan]) {
      const res = await review(who, done, { rating: 5 });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  });

  it('answers 409 for a session not completed yet, 404 for an unknown session', async () => {
    const early = await review(ada, upcoming, { rating: 5 });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('conflict');
    const unknown = await review(ada, randomUUID(), { rating: 5 });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
  });

  it('answers 409 the second time, also when two submits race', async () => {
    expect((await review(ada, done, { rating: 1 })).statusCode).toBe(409);
    const raced = await Promise.all([review(bob, done, { rating: 2 }), review(bob, done, { rating: 2 })]);
    expect(raced.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    bobReview = raced.find((r) => r.statusCode === 201)!.json().review.id;
    const { rows } = await app.pool.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'ReviewSubmitted' AND data->>'authorId' = $1`,
      [bob.id],
    );
    expect(rows[0].n).toBe(1);
    // Then the host's reputation counts each review once: (4 + 2) / 2
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 3, ratingCount: 2 });
  });
});

describe('GET /api/sessions/:id/reviews and /api/users/:id/reviews', () => {
  let teacher: Member;
  let first: string, second: string;
  const order: string[] = []; // review ids, oldest first

  beforeAll(async () => {
    teacher = await member(app, 'Teacher');
    const [x, y, z] = await Promise.all(['X', 'Y', 'Z'].map((n) => member(app, n)));
    first = await pastSession(app, teacher, { registered: [x!, y!, z!] });
    second = await pastSession(app, teacher, { registered: [x!] });
    for (const [who, s] of [
      [x, first],
      [y, first],
      [z, first],
      [x, second],
    ] as const) {
      const res = await review(who!, s, { rating: 5 });
      expect(res.statusCode).toBe(201);
      order.push(res.json().review.id);
    }
  });

  it('lists a session’s reviews newest first, a page at a time', async () => {
    const page1 = await listOf(`/api/sessions/${first}/reviews?limit=2`);
    expect(page1.items.map((r) => r.id)).toEqual([order[2], order[1]]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await listOf(`/api/sessions/${first}/reviews?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((r) => r.id)).toEqual([order[0]]);
    expect(page2.nextCursor).toBeNull();
    expect((await listOf(`/api/sessions/${randomUUID()}/reviews`)).items).toEqual([]);
  });

  it('lists the reviews a member received as host, across sessions, newest first', async () => {
    const page1 = await listOf(`/api/users/${teacher.id}/reviews?limit=3`);
    expect(page1.items.map((r) => r.id)).toEqual([order[3], order[2], order[1]]);
    const page2 = await listOf(`/api/users/${teacher.id}/reviews?limit=3&cursor=${page1.nextCursor}`);
    expect(page2.items.map((r) => r.id)).toEqual([order[0]]);
    expect(page2.nextCursor).toBeNull();
    // Reviews written are not reviews received
    expect((await listOf(`/api/users/${ada.id}/reviews`)).items).toEqual([]);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor!'],
    ['not a list', Buffer.from('{"a":1}').toString('base64url')],
    ['a list of the wrong kind', encodeCursor([1, 2])],
    ['a list whose time is not one', encodeCursor(['soon', 'id'])],
  ])('answers 400 for a cursor that is %s', async (_what, cursor) => {
    for (const url of [`/api/sessions/${first}/reviews`, `/api/users/${teacher.id}/reviews`]) {
      const res = await call(app, null, 'GET', `${url}?cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toBe('querystring.cursor');
    }
  });

  it('answers 400 for a limit out of 1..100', async () => {
    for (const limit of [0, 101]) {
      expect((await call(app, null, 'GET', `/api/sessions/${first}/reviews?limit=${limit}`)).statusCode).toBe(
        400,
      );
    }
  });
});

describe('PATCH /api/reviews/:id', () => {
  it('lets the author change the rating (within the window), which moves the host’s average', async () => {
    const res = await call(app, ada, 'PATCH', `/api/reviews/${adaReview}`, {
      rating: 5,
      comment: 'Great rye.',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().review).toMatchObject({
      id: adaReview,
      rating: 5,
      comment: 'Great rye.',
      editedAt: expect.any(String),
    });
    // (5 + 2) / 2 = 3.5
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 3.5, ratingCount: 2 });
    expect(
      (await listOf(`/api/sessions/${done}/reviews`)).items.find((r) => r.id === adaReview)?.rating,
    ).toBe(5);
  });

  it('answers 403 for anyone but the author, the host included; 401 signed out; 404 unknown', async () => {
    for (const who of [bob, host])
      expect((await call(app, who, 'PATCH', `/api/reviews/${adaReview}`, { rating: 1 })).statusCode).toBe(
        403,
      );
    expect((await call(app, null, 'PATCH', `/api/reviews/${adaReview}`, { rating: 1 })).statusCode).toBe(401);
    expect((await call(app, ada, 'PATCH', `/api/reviews/${randomUUID()}`, { rating: 1 })).statusCode).toBe(
      404,
    );
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 3.5 });
  });

  it('answers 400 for an unknown field (strict) and a bad rating', async () => {
    const res = await call(app, ada, 'PATCH', `/api/reviews/${adaReview}`, { rating: 2, stars: 5 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['stars']);
    expect((await call(app, ada, 'PATCH', `/api/reviews/${adaReview}`, { rating: 9 })).statusCode).toBe(400);
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 3.5 });
  });
});

describe('POST /api/reviews/:id/reply', () => {
  it('lets the host reply once, shown in both lists', async () => {
    const res = await call(app, host, 'POST', `/api/reviews/${bobReview}/reply`, { reply: ' Thanks, Bob! ' });
    expect(res.statusCode).toBe(200);
    expect(res.json().review.reply).toEqual({ text: 'Thanks, Bob!', at: expect.any(String) });
    for (const url of [`/api/sessions/${done}/reviews`, `/api/users/${host.id}/reviews`]) {
      const shown = (await listOf(url)).items.find((r) => r.id === bobReview);
      expect(shown?.reply).toMatchObject({ text: 'Thanks, Bob!' });
    }
    const again = await call(app, host, 'POST', `/api/reviews/${bobReview}/reply`, { reply: 'Again' });
    expect(again.statusCode).toBe(409);
  });

  it('answers 403 for the author and others, 400 for an empty reply, 404 unknown', async () => {
    for (const who of [ada, bob])
      expect(
        (await call(app, who, 'POST', `/api/reviews/${adaReview}/reply`, { reply: 'Hi' })).statusCode,
      ).toBe(403);
    expect(
      (await call(app, host, 'POST', `/api/reviews/${adaReview}/reply`, { reply: '   ' })).statusCode,
    ).toBe(400);
    expect(
      (await call(app, host, 'POST', `/api/reviews/${randomUUID()}/reply`, { reply: 'Hi' })).statusCode,
    ).toBe(404);
    expect(
      (await listOf(`/api/sessions/${done}/reviews`)).items.find((r) => r.id === adaReview)?.reply,
    ).toBeNull();
  });
});

describe('DELETE /api/reviews/:id', () => {
  it('answers 403 for others and 401 signed out, and deletes nothing', async () => {
    for (const who of [bob, host])
      expect((await call(app, who, 'DELETE', `/api/reviews/${adaReview}`)).statusCode).toBe(403);
    expect((await call(app, null, 'DELETE', `/api/reviews/${adaReview}`)).statusCode).toBe(401);
    expect((await listOf(`/api/sessions/${done}/reviews`)).items.map((r) => r.id)).toContain(adaReview);
  });

  it('deletes the author’s review: 204, gone from the lists, and the average drops', async () => {
    const res = await call(app, ada, 'DELETE', `/api/reviews/${adaReview}`);
    expect(res.statusCode).toBe(204);
    expect((await listOf(`/api/sessions/${done}/reviews`)).items.map((r) => r.id)).toEqual([bobReview]);
    expect((await listOf(`/api/users/${host.id}/reviews`)).items.map((r) => r.id)).toEqual([bobReview]);
    // Only Bob's 2 is left: 3.5 → 2
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 2, ratingCount: 1 });
  });

  it('then answers 404 to delete, edit or reply, and 409 to review again', async () => {
    expect((await call(app, ada, 'DELETE', `/api/reviews/${adaReview}`)).statusCode).toBe(404);
    expect((await call(app, ada, 'PATCH', `/api/reviews/${adaReview}`, { rating: 3 })).statusCode).toBe(404);
    expect(
      (await call(app, host, 'POST', `/api/reviews/${adaReview}/reply`, { reply: 'Hi' })).statusCode,
    ).toBe(404);
    expect((await review(ada, done, { rating: 3 })).statusCode).toBe(409);
  });
});
