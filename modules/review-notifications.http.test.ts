// In-app notifications about reviews and finished sessions: a "rate your session" prompt to those who attended,
// a new review to the host, the host's reply and a moderator's hide and restore to the review's author.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { skillswap } from './index.ts';
import { call, type Member, member, review, session, untilCaughtUp, withRole } from './moderation/testing.ts';

let app: Platform;
beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
});

async function inbox(who: Member) {
  await untilCaughtUp(app);
  const res = await call(app, who, 'GET', '/api/me/notifications?limit=100');
  expect(res.statusCode).toBe(200);
  return res.json().items as { id: string; kind: string; title: string; sessionId: string; read: boolean }[];
}

describe('notifications about reviews', () => {
  it('prompts attendees to rate, tells the host of a review, the author of a reply, a hide and a restore', async () => {
    const [ana, ben, mod] = [
      await member(app, 'Ana'),
      await member(app, 'Ben'),
      await withRole(app, 'moderator'),
    ];
    const id = await session(app, ana, { registered: [ben], title: 'Sourdough basics' });

    const prompt = (await inbox(ben)).find((n) => n.kind === 'rate-session');
    expect(prompt).toMatchObject({ title: 'How was “Sourdough basics”?', sessionId: id, read: false });
    expect((await inbox(ana)).some((n) => n.kind === 'rate-session')).toBe(false);

    const reviewId = await review(app, ben, id, 4, 'Lovely crumb.');
    expect((await inbox(ana)).find((n) => n.kind === 'review')).toMatchObject({
      title: 'New review of “Sourdough basics”',
      sessionId: id,
    });

    expect(
      (await call(app, ana, 'POST', `/api/reviews/${reviewId}/reply`, { reply: 'Thanks!' })).statusCode,
    ).toBe(200);
    expect((await inbox(ben)).find((n) => n.kind === 'review-reply')?.title).toBe(
      'The host replied to your review of “Sourdough basics”',
    );

    const hide = await call(app, mod, 'POST', `/api/moderation/content/review/${reviewId}/hide`, {
      note: 'x',
    });
    expect(hide.statusCode).toBe(200);
    expect((await inbox(ben)).find((n) => n.kind === 'review-hidden')?.title).toBe(
      'Your review of “Sourdough basics” was hidden',
    );
    const restore = await call(app, mod, 'POST', `/api/moderation/content/review/${reviewId}/restore`, {
      note: 'ok',
    });
    expect(restore.statusCode).toBe(200);
    expect((await inbox(ben)).find((n) => n.kind === 'review-restored')?.title).toBe(
      'Your review of “Sourdough basics” is visible again',
    );
    // One notification by id, for its member only.
    const one = await call(app, ben, 'GET', `/api/me/notifications/${prompt!.id}`);
    expect(one.json().notification).toMatchObject({ id: prompt!.id, kind: 'rate-session' });
    expect((await call(app, ana, 'GET', `/api/me/notifications/${prompt!.id}`)).statusCode).toBe(404);
    // Nothing of the review's text reaches anyone's inbox.
    expect(JSON.stringify([...(await inbox(ana)), ...(await inbox(ben))])).not.toContain('Lovely crumb');
  });
});
