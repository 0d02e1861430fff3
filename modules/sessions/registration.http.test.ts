// Registration over HTTP: seats, waitlist, leaving, attendees, who sees meetingUrl, and "My learning".
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { SessionView } from '../../read-models/session-listings/views.ts';
import { changeRole } from '../identity/index.ts';
import { skillswap } from '../index.ts';
import { call, endedSession, getSession, host, type Member, signUp } from './testing.ts';

let app: Platform;
let hal: Member; // hosts
let ann: Member;
let bea: Member;
let cat: Member;
let dan: Member;
let out: Member; // never registers
let mod: Member;
let session: SessionView; // capacity 2: ann and bea in, cat and dan waiting
let lesson: string; // ended yesterday; ann attends, bea did not come

const register = (who: Member | null, id = session.id) =>
  call(app, who, 'POST', `/api/sessions/${id}/registration`);
const leave = (who: Member | null, id = session.id) =>
  call(app, who, 'DELETE', `/api/sessions/${id}/registration`);
const attendees = (who: Member | null) => call(app, who, 'GET', `/api/sessions/${session.id}/attendees`);

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  const s = (name: string) => signUp(app, name);
  [hal, ann, bea, cat, dan, out, mod] = await Promise.all([
    s('Hal'),
    s('Ann'),
    s('Bea'),
    s('Cat'),
    s('Dan'),
    s('Out'),
    s('Mod'),
  ]);
  await changeRole(app.command, mod.email, 'moderator', true, { actorId: null });
  lesson = await endedSession(app, hal, [ann, bea], { skill: 'Pottery', durationMinutes: 90 });
  session = await host(app, hal, { capacity: 2 });
});

describe('POST /api/sessions/:id/registration', () => {
  it('seats members up to the capacity (201 registered), then waitlists them with their position', async () => {
    const a = await register(ann);
    expect(a.statusCode).toBe(201);
    expect(a.json()).toEqual({ status: 'registered' });
    expect((await register(bea)).json()).toEqual({ status: 'registered' });
    const c = await register(cat);
    expect(c.statusCode).toBe(201);
    expect(c.json()).toEqual({ status: 'waitlisted', waitlistPosition: 1 });
    expect((await register(dan)).json()).toEqual({ status: 'waitlisted', waitlistPosition: 2 });
  });

  it('counts seats and tells each viewer where they stand', async () => {
    const counts = { registeredCount: 2, waitlistCount: 2, seatsLeft: 0 };
    expect(await getSession(app, ann, session.id)).toMatchObject({
      ...counts,
      viewerRegistration: 'registered',
      waitlistPosition: null,
    });
    expect(await getSession(app, cat, session.id)).toMatchObject({
      ...counts,
      viewerRegistration: 'waitlisted',
      waitlistPosition: 1,
    });
    expect(await getSession(app, dan, session.id)).toMatchObject({
      viewerRegistration: 'waitlisted',
      waitlistPosition: 2,
    });
    expect(await getSession(app, out, session.id)).toMatchObject({ ...counts, viewerRegistration: null });
    expect(await getSession(app, null, session.id)).toMatchObject({ ...counts, viewerRegistration: null });
  });

  it('refuses the host (403), a second registration (409, seated or waiting), anonymous (401), unknown (404)', async () => {
    const own = await register(hal);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('forbidden');
    for (const again of [ann, cat]) {
      const res = await register(again);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('conflict');
    }
    expect((await register(null)).statusCode).toBe(401);
    expect((await register(ann, crypto.randomUUID())).statusCode).toBe(404);
    expect((await getSession(app, null, session.id)).waitlistCount).toBe(2);
  });
});

describe('meetingUrl', () => {
  it('is hidden from anonymous viewers, members who are not in, and waitlisted members', async () => {
    for (const who of [null, out, cat, dan])
      expect((await getSession(app, who, session.id)).meetingUrl).toBeNull();
  });

  it('is shown to the host and moderators; registered members get it only inside the join window', async () => {
    for (const who of [hal, mod]) {
      expect((await getSession(app, who, session.id)).meetingUrl).toBe('https://meet.example.com/bread');
    }
    // Two days before the start: the join link opens 15 minutes before it (join.http.test.ts has the window).
    for (const who of [ann, bea]) {
      expect(await getSession(app, who, session.id)).toMatchObject({
        meetingUrl: null,
        joinOpensAt: new Date(Date.parse(session.startsAt) - 15 * 60_000).toISOString(),
      });
    }
  });
});

describe('GET /api/sessions/:id/attendees', () => {
  it('the host sees who is in and who waits, in order', async () => {
    const res = await attendees(hal);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.registered.map((a: { id: string; displayName: string }) => [a.id, a.displayName])).toEqual([
      [ann.id, 'Ann'],
      [bea.id, 'Bea'],
    ]);
    expect(body.waitlisted.map((a: { id: string; position: number }) => [a.id, a.position])).toEqual([
      [cat.id, 1],
      [dan.id, 2],
    ]);
  });

  it('a moderator may look (200); a member may not (403), even one attending; anonymous 401; unknown 404', async () => {
    expect((await attendees(mod)).statusCode).toBe(200);
    expect((await attendees(ann)).statusCode).toBe(403);
    expect((await attendees(out)).json().error.code).toBe('forbidden');
    expect((await attendees(null)).statusCode).toBe(401);
    expect((await call(app, hal, 'GET', `/api/sessions/${crypto.randomUUID()}/attendees`)).statusCode).toBe(
      404,
    );
  });
});

describe('DELETE /api/sessions/:id/registration', () => {
  it('a seated member leaves (204); the first waitlisted member takes the seat', async () => {
    const res = await leave(ann);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await getSession(app, cat, session.id)).toMatchObject({
      viewerRegistration: 'registered',
      waitlistPosition: null,
      registeredCount: 2,
      waitlistCount: 1,
      seatsLeft: 0,
    });
    expect(await getSession(app, dan, session.id)).toMatchObject({
      viewerRegistration: 'waitlisted',
      waitlistPosition: 1,
    });
    expect(await getSession(app, ann, session.id)).toMatchObject({
      viewerRegistration: null,
      meetingUrl: null,
    });
    const list = (await attendees(hal)).json();
    expect(list.registered.map((a: { id: string }) => a.id)).toEqual([bea.id, cat.id]);
    expect(list.waitlisted.map((a: { id: string }) => a.id)).toEqual([dan.id]);
  });

  it('refuses a member who is not in (409), anonymous (401), an unknown session (404)', async () => {
    const res = await leave(out);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('conflict');
    expect((await leave(ann)).statusCode).toBe(409);
    expect((await leave(null)).statusCode).toBe(401);
    expect((await leave(out, crypto.randomUUID())).statusCode).toBe(404);
  });

  it('a waitlisted member leaves the queue; one who left may come back, at the back', async () => {
    expect((await leave(dan)).statusCode).toBe(204);
    expect(await getSession(app, null, session.id)).toMatchObject({
      registeredCount: 2,
      waitlistCount: 0,
      seatsLeft: 0,
    });
    expect((await register(ann)).json()).toEqual({ status: 'waitlisted', waitlistPosition: 1 });
    expect((await register(dan)).json()).toEqual({ status: 'waitlisted', waitlistPosition: 2 });
    expect(await getSession(app, dan, session.id)).toMatchObject({
      viewerRegistration: 'waitlisted',
      waitlistPosition: 2,
    });
  });

  it('with nobody waiting, a freed seat shows in seatsLeft', async () => {
    const small = await host(app, hal, { capacity: 3 });
    await register(ann, small.id);
    expect((await getSession(app, null, small.id)).seatsLeft).toBe(2);
    await leave(ann, small.id);
    expect(await getSession(app, null, small.id)).toMatchObject({ seatsLeft: 3, registeredCount: 0 });
  });
});

describe('GET /api/me/sessions', () => {
  it('answers 401 signed out', async () => {
    expect((await call(app, null, 'GET', '/api/me/sessions')).statusCode).toBe(401);
  });

  it('sorts my sessions into hosting, attending and waitlisted', async () => {
    const mine = async (who: Member) => {
      const body = (await call(app, who, 'GET', '/api/me/sessions')).json();
      const ids = (k: string) => body[k].map((s: { id: string }) => s.id);
      return {
        hosting: ids('hosting'),
        attending: ids('attending'),
        waitlisted: ids('waitlisted'),
        history: ids('history'),
      };
    };
    expect((await mine(hal)).hosting).toContain(session.id);
    expect((await mine(hal)).attending).toEqual([]);
    expect(await mine(cat)).toMatchObject({ hosting: [], attending: [session.id], waitlisted: [] });
    expect(await mine(dan)).toMatchObject({ attending: [], waitlisted: [session.id] });
    expect(await mine(out)).toEqual({ hosting: [], attending: [], waitlisted: [], history: [] });
  });

  it('after completion, the session moves to history and counts towards hours learned and taught', async () => {
    expect((await register(cat, lesson)).statusCode).toBe(409); // started
    const done = await call(app, hal, 'POST', `/api/sessions/${lesson}/complete`, {
      attendeeIds: [ann.id],
    });
    expect(done.statusCode).toBe(200);
    const annMine = (await call(app, ann, 'GET', '/api/me/sessions')).json();
    expect(annMine.attending.map((s: { id: string }) => s.id)).not.toContain(lesson);
    expect(annMine.history.map((s: { id: string }) => s.id)).toContain(lesson);
    expect(annMine.progress).toEqual({ hoursLearned: 1.5, hoursTaught: 0, skillsPractised: ['Pottery'] });
    const beaMine = (await call(app, bea, 'GET', '/api/me/sessions')).json();
    expect(beaMine.progress).toEqual({ hoursLearned: 0, hoursTaught: 0, skillsPractised: [] });
    const halMine = (await call(app, hal, 'GET', '/api/me/sessions')).json();
    expect(halMine.hosting.map((s: { id: string }) => s.id)).not.toContain(lesson);
    expect(halMine.history.map((s: { id: string }) => s.id)).toContain(lesson);
    expect(halMine.progress.hoursTaught).toBe(1.5);
  });
});
