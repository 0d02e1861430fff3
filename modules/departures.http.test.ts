// Members who leave, and members who are suspended, hold nothing in sessions still to come: their seats go to the
// waitlist, their waitlist places go, the sessions they host are cancelled with a reason, their calendar feed
// stops answering; a deleted account's avatar files are deleted too.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import type { NotificationView } from '../read-models/notifications/views.ts';
import { skillswap } from './index.ts';
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
} from './moderation/testing.ts';
import { multipartFile } from './testing.ts';

let app: Platform;
let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-departures-'));
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000, dataDir } });
});
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

/** An upcoming session hosted over HTTP, with one seat unless told; returns its id. */
async function hostSession(host: Member, overrides: Record<string, unknown> = {}) {
  const startsAt = new Date(Date.now() + 3 * DAY).toISOString();
  const res = await call(
    app,
    host,
    'POST',
    '/api/sessions',
    sessionDetails(startsAt, { capacity: 1, ...overrides }),
  );
  expect(res.statusCode).toBe(201);
  return res.json().session.id as string;
}
async function register(who: Member, sessionId: string) {
  const res = await call(app, who, 'POST', `/api/sessions/${sessionId}/registration`);
  expect(res.statusCode).toBe(201);
  return res.json().status as string;
}
const attendees = async (host: Member, sessionId: string) => {
  const res = await call(app, host, 'GET', `/api/sessions/${sessionId}/attendees`);
  const { registered, waitlisted } = res.json() as Record<string, { id: string }[]>;
  return { registered: registered!.map((a) => a.id), waitlisted: waitlisted!.map((a) => a.id) };
};
const sessionOf = async (sessionId: string) =>
  (await call(app, null, 'GET', `/api/sessions/${sessionId}`)).json().session;
const kindsFor = async (who: Member, sessionId: string) =>
  ((await call(app, who, 'GET', '/api/me/notifications?limit=100')).json().items as NotificationView[])
    .filter((n) => n.sessionId === sessionId)
    .map((n) => n.kind);
/** The path part of the member's calendar feed URL. */
const feedOf = async (who: Member) =>
  new URL((await call(app, who, 'GET', '/api/me/calendar')).json().url as string).pathname;
const countEvents = async (type: string, streamId: string) =>
  (
    await app.pool.query('SELECT count(*)::int AS n FROM events WHERE type = $1 AND stream_id = $2', [
      type,
      streamId,
    ])
  ).rows[0].n as number;

async function uploadAvatar(who: Member) {
  const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#884422' } })
    .png()
    .toBuffer();
  const { payload, contentType } = await multipartFile(png, 'me.png', 'image/png');
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/me/avatar',
    headers: { cookie: who.cookie, 'content-type': contentType },
    payload,
  });
  expect(res.statusCode).toBe(200);
  return res.json().profile.avatarUrl as string;
}
const avatarFiles = async (memberId: string) =>
  (await fs.readdir(path.join(dataDir, 'avatars')).catch(() => [] as string[])).filter((f) =>
    f.startsWith(memberId),
  );

describe('a member who deletes their account', () => {
  let hana: Member, leo: Member, wes: Member, zed: Member, ann: Member;
  let seat: string, queue: string, hosted: string, underway: string, feed: string, avatarUrl: string;

  beforeAll(async () => {
    [hana, leo, wes, zed, ann] = await Promise.all([
      member(app, 'Hana'),
      member(app, 'Leo'),
      member(app, 'Wes'),
      member(app, 'Zed'),
      member(app, 'Ann'),
    ]);
    // Leo has the only seat of one session (Wes waits), waits behind Ann for another (Zed behind him), hosts a
    // third (Ann has its seat), and sits in one that is under way.
    seat = await hostSession(hana);
    expect(await register(leo, seat)).toBe('registered');
    expect(await register(wes, seat)).toBe('waitlisted');
    queue = await hostSession(hana, { title: 'The queue' });
    expect(await register(ann, queue)).toBe('registered');
    expect(await register(leo, queue)).toBe('waitlisted');
    expect(await register(zed, queue)).toBe('waitlisted');
    hosted = await hostSession(leo, { title: 'Leo teaches' });
    expect(await register(ann, hosted)).toBe('registered');
    underway = await session(app, hana, {
      registered: [leo],
      startsAt: new Date(Date.now() - 30 * 60_000).toISOString(),
      complete: false,
    });
    feed = await feedOf(leo);
    expect((await call(app, null, 'GET', feed)).statusCode).toBe(200);
    avatarUrl = await uploadAvatar(leo);
    expect(await avatarFiles(leo.id)).toHaveLength(1);

    const res = await call(app, leo, 'DELETE', '/api/me', { password: leo.password });
    expect(res.statusCode).toBe(204);
    await untilCaughtUp(app);
  });

  it('gives their seat to the first waitlisted member, who is told', async () => {
    expect(await attendees(hana, seat)).toEqual({ registered: [wes.id], waitlisted: [] });
    await eventually(async () => expect(await kindsFor(wes, seat)).toContain('promoted'));
  });

  it('takes them off a waitlist: the member behind moves up', async () => {
    expect(await attendees(hana, queue)).toEqual({ registered: [ann.id], waitlisted: [zed.id] });
    const asZed = (await call(app, zed, 'GET', `/api/sessions/${queue}`)).json().session;
    expect(asZed).toMatchObject({ viewerRegistration: 'waitlisted', waitlistPosition: 1 });
  });

  it('cancels the upcoming session they host, saying the host left, and tells its attendees', async () => {
    expect(await sessionOf(hosted)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'The host has left SkillSwap.',
    });
    await eventually(async () => expect(await kindsFor(ann, hosted)).toContain('cancelled'));
  });

  it('leaves a session under way as it was: that is history', async () => {
    expect((await attendees(hana, underway)).registered).toEqual([leo.id]);
  });

  it('ends their calendar feed: the URL answers 404', async () => {
    expect((await call(app, null, 'GET', feed)).statusCode).toBe(404);
  });

  it('deletes their avatar file from DATA_DIR/avatars', async () => {
    await eventually(async () => expect(await avatarFiles(leo.id)).toEqual([]));
    expect((await call(app, null, 'GET', avatarUrl)).statusCode).toBe(404);
  });

  it('did each of it once, whatever the reactors replayed', async () => {
    expect(await countEvents('RegistrationCancelled', `session-${seat}`)).toBe(1);
    expect(await countEvents('WaitlistPromoted', `session-${seat}`)).toBe(1);
    expect(await countEvents('RegistrationCancelled', `session-${queue}`)).toBe(1);
    expect(await countEvents('SessionCancelled', `session-${hosted}`)).toBe(1);
  });
});

describe('a suspended member', () => {
  let mod: Member, hana: Member, sue: Member, wes: Member, ann: Member;
  let seat: string, hosted: string, feed: string, avatarUrl: string;

  beforeAll(async () => {
    [mod, hana, sue, wes, ann] = await Promise.all([
      withRole(app, 'moderator', 'Mo'),
      member(app, 'Hana'),
      member(app, 'Sue'),
      member(app, 'Wes'),
      member(app, 'Ann'),
    ]);
    seat = await hostSession(hana);
    expect(await register(sue, seat)).toBe('registered');
    expect(await register(wes, seat)).toBe('waitlisted');
    hosted = await hostSession(sue, { title: 'Sue teaches' });
    expect(await register(ann, hosted)).toBe('registered');
    feed = await feedOf(sue);
    avatarUrl = await uploadAvatar(sue);
    const res = await call(app, mod, 'POST', `/api/moderation/users/${sue.id}/suspend`, { reason: 'abuse' });
    expect(res.statusCode).toBe(200);
    await untilCaughtUp(app);
  });

  it('has their seat released to the waitlist', async () => {
    expect(await attendees(hana, seat)).toEqual({ registered: [wes.id], waitlisted: [] });
  });

  it('has their hosted session cancelled as suspended', async () => {
    expect(await sessionOf(hosted)).toMatchObject({
      status: 'cancelled',
      cancelReason: "The host's account was suspended.",
    });
  });

  it('has their calendar feed answer 404, and gets a new URL once unsuspended', async () => {
    expect((await call(app, null, 'GET', feed)).statusCode).toBe(404);
    const lifted = await call(app, mod, 'POST', `/api/moderation/users/${sue.id}/unsuspend`, {
      reason: 'ok',
    });
    expect(lifted.statusCode).toBe(200);
    const login = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: sue.email, password: sue.password },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const fresh = await feedOf({ ...sue, cookie });
    expect(fresh).not.toBe(feed);
    expect((await call(app, null, 'GET', fresh)).statusCode).toBe(200);
    expect((await call(app, null, 'GET', feed)).statusCode).toBe(404);
  });

  it('keeps their avatar: they may come back', async () => {
    expect((await call(app, null, 'GET', avatarUrl)).statusCode).toBe(200);
  });
});
