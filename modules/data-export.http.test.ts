// "Download my data": GET /api/me/export holds what the member wrote and what is about them, and nothing secret.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { skillswap } from './index.ts';
import { call, member, review, session, untilCaughtUp, withRole } from './moderation/testing.ts';

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

  it('holds the swaps I proposed or received with their threads, and not other members’ swaps', async () => {
    const [ana, ben, cy] = [await member(app, 'Ana'), await member(app, 'Ben'), await member(app, 'Cy')];
    const mod = await withRole(app, 'moderator', 'Mod');
    const skills = { ana: ['Baking', 'Pottery'], ben: ['Guitar', 'Baking'], cy: ['Chess', 'Guitar'] };
    for (const [who, [teach, learn]] of [
      [ana, skills.ana],
      [ben, skills.ben],
      [cy, skills.cy],
    ] as const) {
      const res = await call(app, who, 'PATCH', '/api/me/profile', {
        skillsToTeach: [teach],
        skillsToLearn: [learn],
      });
      expect(res.statusCode).toBe(200);
    }
    const propose = (
      from: typeof ana,
      to: typeof ana,
      offerSkill: string,
      wantSkill: string,
      message: string,
    ) => call(app, from, 'POST', '/api/swaps', { toMemberId: to.id, offerSkill, wantSkill, message });
    const write = (who: typeof ana, swapId: string, body: string) =>
      call(app, who, 'POST', `/api/swaps/${swapId}/messages`, { body });

    const proposed = await propose(ana, ben, 'Baking', 'Guitar', 'Bread for chords?');
    expect(proposed.statusCode).toBe(201);
    const swapId = proposed.json().swap.id;
    expect((await write(ben, swapId, 'Deal, Thursdays?')).statusCode).toBe(201);
    expect((await write(ana, swapId, 'Thursdays at six.')).statusCode).toBe(201);
    const rude = await write(ben, swapId, 'Bring better flour.');
    expect(
      (
        await call(app, mod, 'POST', `/api/moderation/content/message/${rude.json().message.id}/hide`, {
          note: 'rude',
        })
      ).statusCode,
    ).toBe(200);
    // Ben and Cy's swap is none of Ana's business.
    const theirs = await propose(cy, ben, 'Chess', 'Guitar', 'Cy’s private proposal');
    expect(theirs.statusCode).toBe(201);
    expect((await write(ben, theirs.json().swap.id, 'Ben’s private reply')).statusCode).toBe(201);
    await untilCaughtUp(app);

    const res = await call(app, ana, 'GET', '/api/me/export');
    expect(res.statusCode).toBe(200);
    const data = res.json();
    expect(data.swaps).toEqual([
      {
        id: swapId,
        proposer: { id: ana.id, displayName: 'Ana' },
        receiver: { id: ben.id, displayName: 'Ben' },
        offerSkill: 'Baking',
        wantSkill: 'Guitar',
        status: 'proposed',
        sessionIds: [],
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        updatedAt: expect.any(String),
        messages: [
          expect.objectContaining({ author: { id: ana.id, displayName: 'Ana' }, body: 'Bread for chords?' }),
          expect.objectContaining({ author: { id: ben.id, displayName: 'Ben' }, body: 'Deal, Thursdays?' }),
          expect.objectContaining({ author: { id: ana.id, displayName: 'Ana' }, body: 'Thursdays at six.' }),
          expect.objectContaining({ body: 'Bring better flour.', hiddenByModeration: true }),
        ],
      },
    ]);
    expect(
      data.swaps[0].messages.slice(0, 3).map((m: { hiddenByModeration: boolean }) => m.hiddenByModeration),
    ).toEqual([false, false, false]);
    // Ben's swap with Cy, Cy's id, and Ben's email are in Ben's and Cy's exports, not Ana's.
    expect(res.body).not.toContain('private');
    expect(res.body).not.toContain(cy.id);
    expect(res.body).not.toContain(ben.email);
    expect(res.body).not.toContain(mod.id);

    // The receiver's export holds the same swap from the other side, and their swap with Cy.
    const bens = (await call(app, ben, 'GET', '/api/me/export')).json();
    expect(bens.swaps.map((s: { proposer: { id: string } }) => s.proposer.id)).toEqual([ana.id, cy.id]);
  });

  it('is for the signed-in member only (401)', async () => {
    expect((await call(app, null, 'GET', '/api/me/export')).statusCode).toBe(401);
  });
});
