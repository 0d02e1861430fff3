// What a signed-out visitor gets from the public cache (infra/http/public-cache.ts) in the whole app: the same
// answer as without it, never an answer older than what this process projected, and nothing personal.

import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { untilCaughtUp } from '../infra/testing/caught-up.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { skillswap } from './index.ts';
import { signUpAs } from './testing.ts';

const DIST = fileURLToPath(new URL('../web/dist', import.meta.url));
const inFiveDays = () => new Date(Date.now() + 5 * 86400_000).toISOString().replace(/\.\d+Z$/, 'Z');

let platform: Platform;
let mentor: Awaited<ReturnType<typeof signUpAs>>;

const get = (url: string, cookie?: string) =>
  platform.http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

async function schedule(title: string) {
  const res = await platform.http.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: { cookie: mentor.cookie },
    payload: {
      title,
      skill: 'Pottery',
      description: 'Clay, wheel and patience.',
      difficulty: 'beginner',
      startsAt: inFiveDays(),
      durationMinutes: 60,
      capacity: 4,
      meetingUrl: 'https://meet.example.com/pottery',
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json().session.id as string;
}

beforeAll(async () => {
  platform = await startTestPlatform(skillswap, { webDistDir: DIST });
  mentor = await signUpAs(platform, { displayName: 'Pat Potter' });
  await schedule('Throwing a bowl');
});

describe('signed-out visitors', () => {
  it('get the second identical request from the cache, with the same body and security headers', async () => {
    await untilCaughtUp(platform);
    const first = await get('/api/sessions?skill=pottery');
    const second = await get('/api/sessions?skill=pottery');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBeUndefined();
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.json().items.map((s: { title: string }) => s.title)).toEqual(['Throwing a bowl']);
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    expect(second.headers['content-security-policy']).toContain("default-src 'self'");
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('see a new session at once: a projector committing here empties the cache', async () => {
    await untilCaughtUp(platform);
    await get('/api/sessions?skill=pottery');
    expect((await get('/api/sessions?skill=pottery')).headers['x-cache']).toBe('hit');
    await schedule('Glazing for beginners');
    const after = await get('/api/sessions?skill=pottery');
    expect(after.headers['x-cache']).toBeUndefined();
    expect(after.json().items.map((s: { title: string }) => s.title)).toContain('Glazing for beginners');
  });

  it('are told apart by the whole URL, query included', async () => {
    await get('/api/mentors?skill=pottery');
    const other = await get('/api/mentors?skill=weaving');
    expect(other.headers['x-cache']).toBeUndefined();
    expect(other.json().items).toEqual([]);
  });

  it('never get a kept error: a 404 is answered anew each time', async () => {
    const first = await get('/api/users/no-such-member');
    const second = await get('/api/users/no-such-member');
    expect([first.statusCode, second.statusCode]).toEqual([404, 404]);
    expect(second.headers['x-cache']).toBeUndefined();
  });

  it('get a kept page when the page says it is the same for everyone signed out', async () => {
    await untilCaughtUp(platform);
    const first = await get('/sessions');
    const second = await get('/sessions');
    expect(first.statusCode).toBe(200);
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.headers['content-type']).toMatch(/^text\/html/);
    expect(second.body).toBe(first.body);
    expect(second.body).toContain('Throwing a bowl');
    // The sign-in page says nothing of the kind: never kept.
    await get('/login');
    expect((await get('/login')).headers['x-cache']).toBeUndefined();
  });
});

describe('signed-in members', () => {
  it('are never answered from the cache, nor is their answer kept for others', async () => {
    const student = await signUpAs(platform, { displayName: 'Sam Student' });
    const id = await schedule('Trimming and feet');
    const registered = await platform.http.inject({
      method: 'POST',
      url: `/api/sessions/${id}/registration`,
      headers: { cookie: student.cookie },
    });
    expect(registered.statusCode).toBe(201);
    const url = `/api/sessions/${id}`;
    const mine1 = await get(url, student.cookie);
    const mine2 = await get(url, student.cookie);
    expect(mine2.headers['x-cache']).toBeUndefined();
    expect(mine2.headers['cache-control']).toBeUndefined();
    expect(mine1.json().session.viewerRegistration).toBe('registered');
    // The host's answer carries the meeting URL (a registered member's does only inside the join window).
    expect((await get(url, mentor.cookie)).json().session.meetingUrl).toBe(
      'https://meet.example.com/pottery',
    );
    // Signed out, the same URL does not show Sam's seat (it was not kept from Sam's answer).
    const anonymous = await get(url);
    expect(anonymous.headers['x-cache']).toBeUndefined();
    expect(anonymous.json().session.viewerRegistration).toBeNull();
    expect(anonymous.json().session.meetingUrl).toBeNull();
    // Pages too: Sam's home page names Sam and is not kept.
    const home1 = await get('/', student.cookie);
    const home2 = await get('/', student.cookie);
    expect(home2.headers['x-cache']).toBeUndefined();
    expect(home1.body).toContain('Sam Student');
    expect((await get('/')).body).not.toContain('Sam Student');
  });
});
