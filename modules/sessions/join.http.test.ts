// The join link over HTTP, for every role and around its window; completion from joins (no-shows), the no-show
// policy at registration, leaving late, and the attendance rate on the host's attendees list.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { AttendeeView, SessionView } from '../../read-models/session-listings/views.ts';
import { changeRole } from '../identity/index.ts';
import { skillswap } from '../index.ts';
import { runSessionCommand } from './handlers.ts';
import { call, DAY, endedSession, fromNow, getSession, host, type Member, signUp } from './testing.ts';

const URL = 'https://meet.example.com/bread';
const MIN = 60_000;

let app: Platform;
let hal: Member; // hosts
let ann: Member; // registered
let wes: Member; // waitlisted
let out: Member; // a stranger
let mod: Member; // a moderator, not registered
let soon: SessionView; // starts in 10 minutes: its join window is open
let later: SessionView; // starts in two days

const join = (who: Member | null, id: string) => call(app, who, 'POST', `/api/sessions/${id}/join`);
const joinsIn = async (id: string) =>
  (await app.store.readStream(`session-${id}`)).filter((e) => e.type === 'MemberJoined').length;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [hal, ann, wes, out, mod] = await Promise.all([
    signUp(app, 'Hal'),
    signUp(app, 'Ann'),
    signUp(app, 'Wes'),
    signUp(app, 'Out'),
    signUp(app, 'Mod'),
  ]);
  await changeRole(app.command, mod.email, 'moderator', true, { actorId: null });
  soon = await host(app, hal, { startsAt: fromNow(10 * MIN), durationMinutes: 30, capacity: 1 });
  later = await host(app, hal, { startsAt: fromNow(2 * DAY), capacity: 1 });
  for (const s of [soon, later]) {
    expect((await call(app, ann, 'POST', `/api/sessions/${s.id}/registration`)).statusCode).toBe(201);
    expect((await call(app, wes, 'POST', `/api/sessions/${s.id}/registration`)).json().status).toBe(
      'waitlisted',
    );
  }
});

describe('POST /api/sessions/:id/join inside the window', () => {
  it('a registered member joins (200 with the meeting URL), once: a second join answers the URL and records nothing', async () => {
    const first = await join(ann, soon.id);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ meetingUrl: URL });
    const again = await join(ann, soon.id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ meetingUrl: URL });
    expect(await joinsIn(soon.id)).toBe(1);
    expect(await getSession(app, ann, soon.id)).toMatchObject({
      viewerAttendance: 'joined',
      meetingUrl: URL,
    });
  });

  it('the host joins (200)', async () => {
    expect((await join(hal, soon.id)).json()).toEqual({ meetingUrl: URL });
  });

  it('refuses the waitlisted and strangers (403), moderators who are not registered (403), signed-out visitors (401)', async () => {
    const waitlisted = await join(wes, soon.id);
    expect(waitlisted.statusCode).toBe(403);
    expect(waitlisted.json().error.message).toBe(
      'You are on the waitlist: only registered members can join.',
    );
    expect((await join(out, soon.id)).statusCode).toBe(403);
    expect((await join(mod, soon.id)).statusCode).toBe(403);
    expect((await join(null, soon.id)).statusCode).toBe(401);
    expect((await join(ann, crypto.randomUUID())).statusCode).toBe(404);
  });

  it('shows the meeting URL to the registered inside the window, never to the waitlisted or strangers', async () => {
    for (const who of [hal, ann, mod]) expect((await getSession(app, who, soon.id)).meetingUrl).toBe(URL);
    for (const who of [wes, out, null]) expect((await getSession(app, who, soon.id)).meetingUrl).toBeNull();
  });
});

describe('POST /api/sessions/:id/join outside the window', () => {
  it('before it opens: 409 saying when, and the registered member sees no meeting URL, only when it opens', async () => {
    const opens = new Date(Date.parse(later.startsAt) - 15 * MIN).toISOString();
    const res = await join(ann, later.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe(`The join link opens at ${opens}, 15 minutes before the start.`);
    expect(await getSession(app, ann, later.id)).toMatchObject({ meetingUrl: null, joinOpensAt: opens });
    // The host and moderators keep the URL at any time.
    for (const who of [hal, mod]) expect((await getSession(app, who, later.id)).meetingUrl).toBe(URL);
    expect(await joinsIn(later.id)).toBe(0);
  });

  it('after the end: 409, and nothing recorded', async () => {
    const ended = await endedSession(app, hal, [ann]);
    const res = await join(ann, ended);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('This session has ended; its join link is closed.');
    expect(await joinsIn(ended)).toBe(0);
  });
});

describe('completion from joins', () => {
  it('who joined is not absent; the registered who neither joined nor were marked present are', async () => {
    const [jo, bo, cy] = await Promise.all([signUp(app, 'Jo'), signUp(app, 'Bo'), signUp(app, 'Cy')]);
    const startsAt = new Date(Date.now() - DAY).toISOString();
    const id = await endedSession(app, hal, [jo, bo, cy], { startsAt, capacity: 3 });
    // Jo joined during the session (its clock then), Bo did not; the host marks Cy present by hand.
    const during = new Date(Date.parse(startsAt) + 5 * MIN);
    await runSessionCommand(
      app.command,
      id,
      { type: 'Join', data: { memberId: jo.id }, now: during },
      { actorId: jo.id },
    );
    const before = (await call(app, hal, 'GET', `/api/sessions/${id}/attendees`)).json();
    expect(before.registered.map((a: AttendeeView) => [a.displayName, a.joinedAt !== null])).toEqual([
      ['Jo', true],
      ['Bo', false],
      ['Cy', false],
    ]);
    const done = await call(app, hal, 'POST', `/api/sessions/${id}/complete`, { attendeeIds: [cy.id] });
    expect(done.statusCode).toBe(200);
    expect((await getSession(app, jo, id)).viewerAttendance).toBe('joined');
    expect((await getSession(app, bo, id)).viewerAttendance).toBe('absent');
    expect((await getSession(app, cy, id)).viewerAttendance).toBe('present');
    const after = (await call(app, hal, 'GET', `/api/sessions/${id}/attendees`)).json();
    expect(after.registered.map((a: AttendeeView) => [a.displayName, a.attendance])).toEqual([
      ['Jo', { sessions: 1, attended: 1, rate: 1 }],
      ['Bo', { sessions: 1, attended: 0, rate: 0 }],
      ['Cy', { sessions: 1, attended: 1, rate: 1 }],
    ]);
    // Nobody absent may review.
    const review = await call(app, bo, 'POST', `/api/sessions/${id}/reviews`, {
      rating: 5,
      comment: 'Great',
    });
    expect(review.statusCode).toBe(403);
  });
});

describe('the no-show policy', () => {
  /** `count` sessions that ended, each started `daysAgo` days ago, each completed with `who` absent. */
  async function noShows(who: Member, count: number, daysAgo: number) {
    for (let i = 0; i < count; i++) {
      const startsAt = new Date(Date.now() - daysAgo * DAY - i * 3600_000).toISOString();
      const id = await endedSession(app, hal, [who], { startsAt, durationMinutes: 30 });
      const res = await call(app, hal, 'POST', `/api/sessions/${id}/complete`, { attendeeIds: [] });
      expect(res.statusCode).toBe(200);
    }
  }

  it('refuses a member with 3 no-shows within 60 days (409), giving the reason and the date it ends', async () => {
    const ned = await signUp(app, 'Ned');
    await noShows(ned, 3, 1);
    const target = await host(app, hal, { startsAt: fromNow(3 * DAY) });
    const res = await call(app, ned, 'POST', `/api/sessions/${target.id}/registration`);
    expect(res.statusCode).toBe(409);
    // 14 days after the last no-show, which started a day ago.
    const until = new Date(Date.now() + 13 * DAY).toISOString().slice(0, 10);
    expect(res.json().error.message).toContain('You missed 3 sessions within 60 days');
    expect(res.json().error.message).toContain(`cannot register until ${until}`);
    expect((await getSession(app, ned, target.id)).viewerRegistration).toBeNull();
  });

  it('the cooldown ends by itself: no-shows whose cooldown is over bar nothing; two bar nothing', async () => {
    const old = await signUp(app, 'Old');
    await noShows(old, 3, 15);
    const two = await signUp(app, 'Two');
    await noShows(two, 2, 1);
    const target = await host(app, hal, { startsAt: fromNow(3 * DAY) });
    expect((await call(app, old, 'POST', `/api/sessions/${target.id}/registration`)).statusCode).toBe(201);
    expect((await call(app, two, 'POST', `/api/sessions/${target.id}/registration`)).statusCode).toBe(201);
  });

  it('leaving within 3 hours of the start is a no-show on the record; leaving earlier is not', async () => {
    const early = await signUp(app, 'Early');
    const late = await signUp(app, 'Late');
    const far = await host(app, hal, { startsAt: fromNow(2 * DAY) });
    const near = await host(app, hal, { startsAt: fromNow(2 * 3600_000) });
    const watch = await host(app, hal, { startsAt: fromNow(4 * DAY) });
    for (const who of [early, late]) {
      expect((await call(app, who, 'POST', `/api/sessions/${watch.id}/registration`)).statusCode).toBe(201);
    }
    for (const [who, s] of [
      [early, far],
      [late, near],
    ] as const) {
      expect((await call(app, who, 'POST', `/api/sessions/${s.id}/registration`)).statusCode).toBe(201);
      expect((await call(app, who, 'DELETE', `/api/sessions/${s.id}/registration`)).statusCode).toBe(204);
    }
    const list = (await call(app, hal, 'GET', `/api/sessions/${watch.id}/attendees`)).json();
    expect(list.registered.map((a: AttendeeView) => [a.displayName, a.attendance])).toEqual([
      ['Early', { sessions: 0, attended: 0, rate: null }],
      ['Late', { sessions: 1, attended: 0, rate: 0 }],
    ]);
  });
});
