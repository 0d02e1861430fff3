// GET /api/me/matches: who teaches what I want to learn, reciprocal matches first, with the skills on both sides,
// reputation, hours apart and last activity; filtered by skill, a page at a time; never suspended or deleted members.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { call, type Member, member, moderator, suspend } from './testing.ts';

let app: Platform;
let ana: Member; // teaches TypeScript and Baking, learns Guitar and Chess; Berlin
let ben: Member; // teaches Guitar, learns TypeScript: reciprocal; New York
let cy: Member; // teaches Chess and Guitar, learns Welding: one way; Kolkata (UTC+5:30)
let dee: Member; // teaches Chess, learns baking: reciprocal; UTC
let eli: Member; // teaches nothing Ana learns

type Match = {
  member: { id: string; displayName: string; timezone: string; reputation: { skills: unknown[] } };
  theyTeach: string[];
  theyLearn: string[];
  reciprocal: boolean;
  hoursApart: number;
  lastActiveAt: string;
};
const matches = async (who: Member, query = '') => {
  const res = await call(app, who, 'GET', `/api/me/matches${query}`);
  expect(res.statusCode).toBe(200);
  return res.json() as { items: Match[]; nextCursor: string | null };
};
const names = (page: { items: Match[] }) => page.items.map((m) => m.member.displayName);

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  ana = await member(app, 'Ana', {
    teach: ['TypeScript', 'Baking'],
    learn: ['Guitar', 'Chess'],
    timezone: 'Europe/Berlin',
  });
  cy = await member(app, 'Cy', { teach: ['Chess', 'Guitar'], learn: ['Welding'], timezone: 'Asia/Kolkata' });
  ben = await member(app, 'Ben', { teach: ['Guitar'], learn: ['typescript'], timezone: 'America/New_York' });
  dee = await member(app, 'Dee', { teach: ['Chess'], learn: ['baking'], timezone: 'UTC' });
  eli = await member(app, 'Eli', { teach: ['Welding'], learn: ['Guitar'] });
});

describe('my matches', () => {
  it('lists reciprocal matches first, then one-way ones, the most recently active first within each', async () => {
    const page = await matches(ana);
    expect(names(page)).toEqual(['Dee', 'Ben', 'Cy']);
    expect(page.items.map((m) => m.reciprocal)).toEqual([true, true, false]);
  });

  it('names the skills on both sides in the catalogue’s spelling, and the hours between our time zones', async () => {
    const byName = new Map((await matches(ana)).items.map((m) => [m.member.displayName, m]));
    expect(byName.get('Ben')).toMatchObject({ theyTeach: ['Guitar'], theyLearn: ['TypeScript'] });
    expect(byName.get('Cy')).toMatchObject({
      member: { id: cy.id },
      theyTeach: ['Chess', 'Guitar'],
      theyLearn: [],
    });
    expect(byName.get('Dee')).toMatchObject({ theyTeach: ['Chess'], theyLearn: ['Baking'] });
    // Berlin is 6 hours ahead of New York all year but for a few weeks of DST changes; Kolkata 3.5 or 4.5.
    expect([5, 6]).toContain(byName.get('Ben')!.hoursApart);
    expect([3.5, 4.5]).toContain(byName.get('Cy')!.hoursApart);
    expect(byName.get('Ben')!.member).toMatchObject({
      timezone: 'America/New_York',
      reputation: { skills: [] },
    });
    expect(Date.parse(byName.get('Ben')!.lastActiveAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('moves a member up when they do something', async () => {
    await call(app, ben, 'PATCH', '/api/me/profile', { bio: 'Jazz and folk.' });
    expect(names(await matches(ana))).toEqual(['Ben', 'Dee', 'Cy']);
  });

  it('filters by a skill they teach, in any spelling', async () => {
    expect(names(await matches(ana, '?skill=CHESS'))).toEqual(['Dee', 'Cy']);
    expect(names(await matches(ana, '?skill=Welding'))).toEqual([]);
  });

  it('pages with a cursor, each match once', async () => {
    const first = await matches(ana, '?limit=2');
    expect(names(first)).toEqual(['Ben', 'Dee']);
    const second = await matches(ana, `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(names(second)).toEqual(['Cy']);
    expect(second.nextCursor).toBeNull();
  });

  it('works the other way round, and is empty for someone who wants to learn nothing', async () => {
    expect(names(await matches(ben))).toEqual(['Ana']);
    expect(names(await matches(eli))).toEqual(['Cy', 'Ben']);
    expect((await matches(await member(app, 'Nil'))).items).toEqual([]);
  });

  it('leaves out suspended and deleted members', async () => {
    const mod = await moderator(app);
    await suspend(app, mod, dee);
    expect(names(await matches(ana))).toEqual(['Ben', 'Cy']);
    const gone = await member(app, 'Gone', { teach: ['Guitar'], learn: ['Baking'] });
    expect(names(await matches(ana))).toContain('Gone');
    const res = await app.http.inject({
      method: 'DELETE',
      url: '/api/me',
      headers: { cookie: gone.cookie },
      payload: { password: 'a perfectly good password' },
    });
    expect(res.statusCode).toBe(204);
    expect(names(await matches(ana))).toEqual(['Ben', 'Cy']);
  });

  it('refuses a bad cursor or limit (400) and someone signed out (401)', async () => {
    expect((await call(app, ana, 'GET', '/api/me/matches?cursor=nonsense')).statusCode).toBe(400);
    expect((await call(app, ana, 'GET', '/api/me/matches?limit=0')).statusCode).toBe(400);
    expect((await call(app, ana, 'GET', '/api/me/matches?skill=%00')).statusCode).toBe(400);
    expect((await call(app, null, 'GET', '/api/me/matches')).statusCode).toBe(401);
  });
});
