// The join link as members follow it, `GET /sessions/:id/join` (a page of the built site), for every role and
// around the join window: a redirect to the meeting, to sign-in, or a page saying why not. Needs `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { changeRole } from '../identity/index.ts';
import { skillswap } from '../index.ts';
import { call, DAY, endedSession, fromNow, host, type Member, signUp } from './testing.ts';

const DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const MEETING = 'https://meet.example.com/bread';

let app: Platform;
let hal: Member;
let ann: Member;
let wes: Member;
let out: Member;
let mod: Member;
let soon: string;
let later: string;

const page = (who: Member | null, id: string) =>
  app.http.inject({ method: 'GET', url: `/sessions/${id}/join`, headers: who ? { cookie: who.cookie } : {} });
const joins = async (id: string) =>
  (await app.store.readStream(`session-${id}`)).filter((e) => e.type === 'MemberJoined').length;

beforeAll(async () => {
  if (!existsSync(`${DIST}/server/entry.mjs`))
    throw new Error('the website is not built: run `npm run build`');
  app = await startTestPlatform(skillswap, { webDistDir: DIST, config: { signupLimitPerIp: 1000 } });
  [hal, ann, wes, out, mod] = await Promise.all([
    signUp(app, 'Hal'),
    signUp(app, 'Ann'),
    signUp(app, 'Wes'),
    signUp(app, 'Out'),
    signUp(app, 'Mod'),
  ]);
  await changeRole(app.command, mod.email, 'moderator', true, { actorId: null });
  soon = (await host(app, hal, { startsAt: fromNow(5 * 60_000), capacity: 1 })).id;
  later = (await host(app, hal, { startsAt: fromNow(2 * DAY), capacity: 1 })).id;
  for (const id of [soon, later]) {
    for (const who of [ann, wes]) {
      expect((await call(app, who, 'POST', `/api/sessions/${id}/registration`)).statusCode).toBe(201);
    }
  }
}, 60_000);

describe('GET /sessions/:id/join', () => {
  it('sends a signed-out visitor to sign in, and back here after (a safe, local next)', async () => {
    const res = await page(null, soon);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/sessions/${soon}/join`)}`);
    expect(await joins(soon)).toBe(0);
  });

  it('inside the window, redirects the registered member and the host to the meeting, recording each once', async () => {
    for (const who of [ann, ann, hal]) {
      const res = await page(who, soon);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe(MEETING);
    }
    expect(await joins(soon)).toBe(2);
  });

  it('explains to the waitlisted (403), strangers and moderators who are not registered (403)', async () => {
    const waitlisted = await page(wes, soon);
    expect(waitlisted.statusCode).toBe(403);
    expect(waitlisted.body).toContain('You are on the waitlist: only registered members can join.');
    for (const who of [out, mod]) {
      const res = await page(who, soon);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Only the host and registered members can join this session.');
      expect(res.body).not.toContain(MEETING);
    }
  });

  it('before the window: 409, a page saying when it opens, with no meeting MEETING', async () => {
    const res = await page(ann, later);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('The join link opens at');
    expect(res.body).toContain('15 minutes before the start');
    expect(res.body).not.toContain(MEETING);
  });

  it('after the end: 409, a page saying it has ended; an unknown session: 404', async () => {
    const ended = await endedSession(app, hal, [ann]);
    const res = await page(ann, ended);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This session has ended, and its join link with it.');
    expect((await page(ann, crypto.randomUUID())).statusCode).toBe(404);
  });
});
