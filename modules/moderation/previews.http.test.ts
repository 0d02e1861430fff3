// What the moderation queue shows of a reported target (its preview) follows the target's edits: a session's
// title, a member's name, a review's rating and comment, each kept whole when only the other part changes.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { call, type Member, member, review, session, upcoming, withRole } from './testing.ts';

let app: Platform;
let mod: Member, host: Member, ann: Member, bob: Member;

/** Files a report on the target as `who` and returns a function reading that report's target preview. */
async function reported(who: Member, targetType: string, targetId: string) {
  const res = await call(app, who, 'POST', '/api/reports', { targetType, targetId, reason: 'please look' });
  expect(res.statusCode).toBe(201);
  const id = res.json().report.id as string;
  return async () => {
    const one = await call(app, mod, 'GET', `/api/moderation/reports/${id}`);
    expect(one.statusCode).toBe(200);
    return one.json().report.target.preview as string;
  };
}

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [host, ann, bob] = (await Promise.all(['Hal', 'Ann', 'Bob'].map((n) => member(app, n)))) as [
    Member,
    Member,
    Member,
  ];
  mod = await withRole(app, 'moderator', 'Mo');
});

describe('moderation queue previews', () => {
  it('given a reported session whose title changes, then the preview is the new title', async () => {
    const id = await upcoming(app, host);
    const preview = await reported(bob, 'session', id);
    expect(await preview()).toBe('Sourdough from scratch');
    expect(
      (await call(app, host, 'PATCH', `/api/sessions/${id}`, { title: 'Rye from scratch' })).statusCode,
    ).toBe(200);
    expect(await preview()).toBe('Rye from scratch');
    expect(
      (await call(app, host, 'PATCH', `/api/sessions/${id}`, { description: 'only this' })).statusCode,
    ).toBe(200);
    expect(await preview()).toBe('Rye from scratch');
  });

  it('given a reported member who renames themselves, then the preview is the new name', async () => {
    const preview = await reported(bob, 'user', ann.id);
    expect(await preview()).toBe('Ann');
    expect((await call(app, ann, 'PATCH', '/api/me/profile', { displayName: 'Annie' })).statusCode).toBe(200);
    expect(await preview()).toBe('Annie');
  });

  it('given a reported review edited in part, then the preview keeps the other part', async () => {
    const done = await session(app, host, { registered: [ann] });
    const reviewId = await review(app, ann, done, 1, 'The host is an idiot.');
    const preview = await reported(host, 'review', reviewId);
    expect(await preview()).toBe('1★ The host is an idiot.');
    const edit = (body: object) => call(app, ann, 'PATCH', `/api/reviews/${reviewId}`, body);
    expect((await edit({ rating: 2 })).statusCode).toBe(200);
    expect(await preview()).toBe('2★ The host is an idiot.');
    expect((await edit({ comment: 'The host was late.' })).statusCode).toBe(200);
    expect(await preview()).toBe('2★ The host was late.');
    expect((await edit({ rating: 3, comment: '' })).statusCode).toBe(200);
    expect(await preview()).toBe('3★');
  });
});
