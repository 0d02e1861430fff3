import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { DEMO_PASSWORD, isEmpty, seedDemoCommunity } from './community.ts';

let app: Platform;

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  expect(await isEmpty(app)).toBe(true);
  await seedDemoCommunity(app);
}, 120_000);

describe('the demo community', () => {
  it('is no longer an empty deployment afterwards, so it is created once', async () => {
    expect(await isEmpty(app)).toBe(false);
  });

  it('lets a newcomer sign in with a demo login from the README', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'kwame@skillswap.demo', password: DEMO_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const admin = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'morgan@skillswap.demo', password: DEMO_PASSWORD },
    });
    expect(admin.json().user.roles.sort()).toEqual(['admin', 'member', 'moderator']);
  });

  it('shows mentors with skills, upcoming sessions with seats taken, and completed past sessions', async () => {
    const mentors = (await app.http.inject({ method: 'GET', url: '/api/mentors?limit=50' })).json();
    expect(mentors.items.length).toBeGreaterThanOrEqual(6);
    expect(mentors.items.every((m: { skillsToTeach: string[] }) => m.skillsToTeach.length > 0)).toBe(true);

    const upcoming = (await app.http.inject({ method: 'GET', url: '/api/sessions?limit=50' })).json();
    expect(upcoming.items.length).toBeGreaterThanOrEqual(6);
    expect(upcoming.items.some((s: { seatsLeft: number }) => s.seatsLeft === 0)).toBe(true);
    expect(upcoming.items.some((s: { registeredCount: number }) => s.registeredCount > 0)).toBe(true);

    const past = (
      await app.http.inject({ method: 'GET', url: '/api/sessions?status=completed&limit=50' })
    ).json();
    expect(past.items.length).toBeGreaterThanOrEqual(3);
  });
});
