// Blocked words and link domains (config.blocked) flag new content into the moderation queue as `system` reports;
// daily abuse limits (SESSIONS_PER_DAY, REVIEWS_PER_DAY, REPORTS_PER_DAY) answer 429 naming the limit.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import {
  call,
  DAY,
  eventually,
  type Member,
  member,
  session,
  sessionDetails,
  untilCaughtUp,
  withRole,
} from './testing.ts';

let app: Platform;
let mod: Member;

type Item = {
  id: string;
  source: string;
  reporterId: string;
  reason: string;
  target: { type: string; id: string; ownerId: string };
};
const flagsOn = async (targetId: string) => {
  const res = await call(app, mod, 'GET', '/api/moderation/reports?limit=100');
  expect(res.statusCode).toBe(200);
  return (res.json().items as Item[]).filter((i) => i.target.id === targetId);
};
const future = (days = 3) => new Date(Date.now() + days * DAY).toISOString();
const hostOver = (who: Member, overrides: Record<string, unknown> = {}) =>
  call(app, who, 'POST', '/api/sessions', sessionDetails(future(), overrides));

beforeAll(async () => {
  app = await startTestPlatform(skillswap, {
    config: {
      signupLimitPerIp: 1000,
      blocked: { words: ['casino', 'free money'], domains: ['spam.example'] },
      limits: { sessionsPerDay: 2, reviewsPerDay: 1, reportsPerDay: 2, swapsPerDay: 1000 },
    },
  });
  mod = await withRole(app, 'moderator', 'Mo');
});

describe('screening new content', () => {
  it('given a new session with a blocked word, then a system report on it is in the queue', async () => {
    const host = await member(app, 'Hal');
    const res = await hostOver(host, { title: 'Win at the CASINO tonight' });
    expect(res.statusCode).toBe(201);
    const id = res.json().session.id;
    await eventually(async () => {
      const [flag, ...more] = await flagsOn(id);
      expect(more).toEqual([]);
      expect(flag).toMatchObject({
        source: 'system',
        reporterId: 'system',
        reason: expect.stringContaining('casino'),
        target: { type: 'session', id, ownerId: host.id },
      });
    });
  });

  it('given a meeting link on a blocked domain (a subdomain), then the session is flagged too', async () => {
    const res = await hostOver(await member(app), { meetingUrl: 'https://meet.spam.example/room' });
    const id = res.json().session.id;
    await eventually(async () => expect((await flagsOn(id))[0]?.reason).toContain('spam.example'));
  });

  it('given a session edited to add a blocked word, then it is flagged with its host as owner', async () => {
    const host = await member(app);
    const id = (await hostOver(host, { title: 'Knitting basics' })).json().session.id;
    const edit = await call(app, host, 'PATCH', `/api/sessions/${id}`, { description: 'Bring free money.' });
    expect(edit.statusCode).toBe(200);
    await eventually(async () => expect((await flagsOn(id))[0]?.target.ownerId).toBe(host.id));
  });

  it('given a review or a bio with blocked terms, then they are flagged, owned by their authors', async () => {
    const [host, ann] = await Promise.all([member(app), member(app, 'Ann')]);
    const done = await session(app, host, { registered: [ann] });
    const rev = await call(app, ann, 'POST', `/api/sessions/${done}/reviews`, {
      rating: 5,
      comment: 'More at http://deals.spam.example',
    });
    expect(rev.statusCode).toBe(201);
    const bio = await call(app, ann, 'PATCH', '/api/me/profile', { bio: 'I like the casino.' });
    expect(bio.statusCode).toBe(200);
    await eventually(async () => {
      expect((await flagsOn(rev.json().review.id))[0]).toMatchObject({
        source: 'system',
        target: { type: 'review', ownerId: ann.id },
      });
      expect((await flagsOn(ann.id))[0]).toMatchObject({
        source: 'system',
        target: { type: 'user', ownerId: ann.id },
      });
    });
  });

  it('given a swap proposal or message with blocked terms, then it reaches the other member and is flagged, owned by its author', async () => {
    const [ivo, jan] = await Promise.all([member(app, 'Ivo'), member(app, 'Jan')]);
    await call(app, ivo, 'PATCH', '/api/me/profile', {
      skillsToTeach: ['Chess'],
      skillsToLearn: ['Welding'],
    });
    await call(app, jan, 'PATCH', '/api/me/profile', {
      skillsToTeach: ['Welding'],
      skillsToLearn: ['Chess'],
    });
    const proposal = await call(app, ivo, 'POST', '/api/swaps', {
      toMemberId: jan.id,
      offerSkill: 'Chess',
      wantSkill: 'Welding',
      message: 'Chess for welding? Also: free money at the casino',
    });
    expect(proposal.statusCode).toBe(201);
    const swapId = proposal.json().swap.id;
    const reply = await call(app, jan, 'POST', `/api/swaps/${swapId}/messages`, {
      body: 'Sure, see https://spam.example/deal',
    });
    expect(reply.statusCode).toBe(201);
    const thread = await call(app, ivo, 'GET', `/api/swaps/${swapId}/messages`);
    expect(thread.json().items.map((m: { body: string }) => m.body)).toContain(
      'Sure, see https://spam.example/deal',
    );
    await eventually(async () => {
      expect((await flagsOn(swapId))[0]).toMatchObject({
        source: 'system',
        reason: expect.stringContaining('casino'),
        target: { type: 'message', ownerId: ivo.id },
      });
      expect((await flagsOn(reply.json().message.id))[0]).toMatchObject({
        source: 'system',
        target: { type: 'message', ownerId: jan.id },
      });
    });
  });

  it('given clean content or lookalikes (casinos, notspam.example), then nothing is flagged', async () => {
    const host = await member(app);
    const res = await hostOver(host, {
      title: 'Casinos in history',
      meetingUrl: 'https://notspam.example/room',
    });
    const id = res.json().session.id;
    await untilCaughtUp(app);
    expect(await flagsOn(id)).toEqual([]);
  });
});

describe('daily abuse limits', () => {
  it('SESSIONS_PER_DAY: the third session of the day is 429 naming the limit', async () => {
    const host = await member(app);
    expect((await hostOver(host)).statusCode).toBe(201);
    expect((await hostOver(host)).statusCode).toBe(201);
    const res = await hostOver(host);
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/\b2 sessions a day/),
    });
    expect((await hostOver(await member(app))).statusCode).toBe(201); // per member
  });

  it('REVIEWS_PER_DAY: the second review of the day is 429 naming the limit', async () => {
    const [host, ann] = await Promise.all([member(app), member(app)]);
    const [one, two] = [
      await session(app, host, { registered: [ann] }),
      await session(app, host, { registered: [ann] }),
    ];
    expect((await call(app, ann, 'POST', `/api/sessions/${one}/reviews`, { rating: 4 })).statusCode).toBe(
      201,
    );
    const res = await call(app, ann, 'POST', `/api/sessions/${two}/reviews`, { rating: 4 });
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/\b1 reviews? a day/),
    });
  });

  it('REPORTS_PER_DAY: the third report of the day is 429 naming the limit', async () => {
    const [ann, a, b, c] = await Promise.all([member(app), member(app), member(app), member(app)]);
    for (const target of [a, b]) {
      const ok = await call(app, ann, 'POST', '/api/reports', {
        targetType: 'user',
        targetId: target.id,
        reason: 'rude',
      });
      expect(ok.statusCode).toBe(201);
    }
    const res = await call(app, ann, 'POST', '/api/reports', {
      targetType: 'user',
      targetId: c.id,
      reason: 'rude',
    });
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/\b2 reports a day/),
    });
  });
});
