// A member's own review of a session, whatever became of it (GET /api/sessions/:id/reviews/mine): the session page
// asks it to offer the form only to someone who has not reviewed, and to tell an author their review was hidden.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { call, type Member, member, review, session, withRole } from './testing.ts';

let app: Platform;
let host: Member, ada: Member, bob: Member, mod: Member;
let done: string;

const mine = async (who: Member | null, sessionId = done) => {
  const res = await call(app, who, 'GET', `/api/sessions/${sessionId}/reviews/mine`);
  return { status: res.statusCode, body: res.json() };
};

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [host, ada, bob] = (await Promise.all(['Hosta', 'Ada', 'Bob'].map((n) => member(app, n)))) as [
    Member,
    Member,
    Member,
  ];
  mod = await withRole(app, 'moderator', 'Mo');
  done = await session(app, host, { registered: [ada, bob] });
});

describe('GET /api/sessions/:id/reviews/mine', () => {
  it('answers none before the member reviews, and 401 signed out', async () => {
    expect(await mine(ada)).toEqual({ status: 200, body: { status: 'none', review: null } });
    expect((await mine(null)).status).toBe(401);
  });

  it('tells the author a moderator hid their review (shown to them only), and a second review is still 409', async () => {
    const reviewId = await review(app, ada, done, 2, 'Rude words about the host');
    expect((await mine(ada)).body).toMatchObject({ status: 'visible', review: { id: reviewId, rating: 2 } });
    const hidden = await call(app, mod, 'POST', `/api/moderation/content/review/${reviewId}/hide`, {
      note: 'rude',
    });
    expect(hidden.statusCode).toBe(200);
    expect((await mine(ada)).body).toMatchObject({ status: 'hidden', review: { id: reviewId } });
    // Others never see it: not in the list, and bob's own answer is about bob.
    const list = (await call(app, bob, 'GET', `/api/sessions/${done}/reviews`)).json();
    expect(list.items).toEqual([]);
    expect((await mine(bob)).body.status).toBe('none');
    const again = await call(app, ada, 'POST', `/api/sessions/${done}/reviews`, { rating: 5, comment: '' });
    expect(again.statusCode).toBe(409);
    await call(app, mod, 'POST', `/api/moderation/content/review/${reviewId}/restore`, { note: 'fine' });
    expect((await mine(ada)).body.status).toBe('visible');
  });

  it('says deleted once the author deleted it (no review to show, and no second one)', async () => {
    const reviewId = await review(app, bob, done, 4, 'Good');
    expect((await call(app, bob, 'DELETE', `/api/reviews/${reviewId}`)).statusCode).toBe(204);
    expect((await mine(bob)).body).toEqual({ status: 'deleted', review: null });
  });
});
