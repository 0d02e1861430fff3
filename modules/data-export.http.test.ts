// "Download my data": GET /api/me/export holds what the member wrote and what is about them, and nothing secret.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { skillswap } from './index.ts';
import { call, member, review, session, untilCaughtUp } from './moderation/testing.ts';

let app: Platform;
beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
});

describe('the data export', () => {
  it('holds the account, profile history, sessions, reviews both ways, reports and notifications', async () => {
    const [ana, ben, cy] = [await member(app, 'Ana'), await member(app, 'Ben'), await member(app, 'Cy')];
    await call(app, ana, 'PATCH', '/api/me/profile', { bio: 'I bake bread.' });
    const hosted = await session(app, ana, { registered: [ben], title: 'Sourdough basics' });
    const attended = await session(app, cy, { registered: [ana], title: 'Knife skills' });
    await review(app, ben, hosted, 4, 'Lovely crumb.');
    await review(app, ana, attended, 5, 'Sharp teaching.');
    const filed = await call(app, ana, 'POST', '/api/reports', {
      targetType: 'user',
      targetId: cy.id,
      reason: 'Rude in chat',
    });
    expect(filed.statusCode).toBe(201);
    await call(app, cy, 'POST', '/api/reports', {
      targetType: 'user',
      targetId: ana.id,
      reason: 'Spams links',
    });
    await untilCaughtUp(app);

    const res = await call(app, ana, 'GET', '/api/me/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="skillswap-data-\d{4}-\d\d-\d\d\.json"$/,
    );
    const data = res.json();
    expect(data.account).toMatchObject({ id: ana.id, email: ana.email, displayName: 'Ana' });
    expect(data.profile.bio).toBe('I bake bread.');
    expect(data.accountHistory.map((e: { type: string }) => e.type)).toEqual([
      'MemberSignedUp',
      'ProfileUpdated',
    ]);
    expect(res.body).not.toMatch(/passwordHash|argon2|scrypt|\$2[aby]\$/);
    expect(data.sessions.history.map((s: { title: string }) => s.title).sort()).toEqual([
      'Knife skills',
      'Sourdough basics',
    ]);
    expect(data.reviews.written).toMatchObject([{ comment: 'Sharp teaching.', rating: 5 }]);
    expect(data.reviews.received).toMatchObject([
      { comment: 'Lovely crumb.', author: { displayName: 'Ben' } },
    ]);
    expect(data.reports.filed).toMatchObject([
      { reason: 'Rude in chat', target: { type: 'user', id: cy.id } },
    ]);
    expect(data.reports.aboutMe).toMatchObject([{ reason: 'Spams links' }]);
    expect(JSON.stringify(data.reports.aboutMe)).not.toContain(cy.id);
    expect(Array.isArray(data.notifications)).toBe(true);
  });

  it('is for the signed-in member only (401)', async () => {
    expect((await call(app, null, 'GET', '/api/me/export')).statusCode).toBe(401);
  });
});
