// Sessions inside a swap through HTTP, for every role: each member schedules one for the other once the swap is
// accepted; the session is private to the two (capacity 1, the partner registered, not in browse, 404 to others);
// the swap completes when both are completed, and a cancelled session can be scheduled again.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { runSessionCommand } from '../sessions/index.ts';
import { call, DAY, type Member, member, moderator, propose, suspend } from './testing.ts';

let app: Platform;
let ana: Member;
let ben: Member;
let carl: Member;
let mod: Member;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, {
    config: {
      limits: { sessionsPerDay: 1000, reviewsPerDay: 1000, reportsPerDay: 1000, swapsPerDay: 1000 },
      signupLimitPerIp: 1000,
    },
  });
  ana = await member(app, 'Ana', { teach: ['TypeScript'], learn: ['Guitar'] });
  ben = await member(app, 'Ben', { teach: ['Guitar'], learn: ['TypeScript'] });
  carl = await member(app, 'Carl', { teach: ['Chess'], learn: ['Guitar'] });
  mod = await moderator(app);
});

const startsAt = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const form = (title: string, skill: string, days = 3) => ({
  title,
  skill,
  difficulty: 'beginner',
  startsAt: startsAt(days),
  durationMinutes: 60,
  meetingUrl: 'https://meet.example.com/swap',
});

async function acceptedSwap(from: Member, to: Member, offer: string, want: string): Promise<string> {
  const proposed = await propose(app, from, to, offer, want);
  expect(proposed.statusCode).toBe(201);
  const id = proposed.json().swap.id as string;
  expect((await call(app, to, 'POST', `/api/swaps/${id}/accept`)).statusCode).toBe(200);
  return id;
}

const schedule = (who: Member | null, swapId: string, body: unknown) =>
  call(app, who, 'POST', `/api/swaps/${swapId}/sessions`, body);

/** The host completes their session as if an hour after its end, with the partner marked present. */
async function complete(host: Member, sessionId: string, partner: Member, start: string) {
  await runSessionCommand(
    app.command,
    sessionId,
    {
      type: 'Complete',
      data: { actor: { memberId: host.id, isModerator: false }, attendeeIds: [partner.id] },
      now: new Date(Date.parse(start) + 2 * 3600_000),
    },
    { actorId: host.id },
  );
}

describe('scheduling a swap’s sessions', () => {
  let swapId: string;
  let anaSession: { id: string; startsAt: string };
  let benSession: { id: string; startsAt: string };

  beforeAll(async () => {
    swapId = await acceptedSwap(ana, ben, 'TypeScript', 'Guitar');
  });

  it('is refused before the swap is accepted (409), to anyone outside it (404) and signed out (401)', async () => {
    const proposed = (await propose(app, carl, ben, 'Chess', 'Guitar')).json().swap.id as string;
    expect((await schedule(carl, proposed, form('Openings', 'Chess'))).statusCode).toBe(409);
    expect((await schedule(carl, swapId, form('Openings', 'Chess'))).statusCode).toBe(404);
    expect((await schedule(null, swapId, form('Openings', 'Chess'))).statusCode).toBe(401);
    // A moderator sees the swap but is not one of its members.
    expect((await schedule(mod, swapId, form('Openings', 'Chess'))).statusCode).toBe(403);
  });

  it('names the field at fault in a bad form, and schedules nothing', async () => {
    const res = await schedule(ana, swapId, { ...form('', 'TypeScript') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'title' })]),
    );
    expect((await call(app, ana, 'GET', `/api/swaps/${swapId}`)).json().swap.sessionIds).toEqual([]);
  });

  it('answers 201 with a private session of capacity 1, the other member registered', async () => {
    const res = await schedule(ana, swapId, form('TypeScript for guitarists', 'typescript'));
    expect(res.statusCode, res.body).toBe(201);
    const session = res.json().session;
    anaSession = session;
    expect(session).toMatchObject({
      title: 'TypeScript for guitarists',
      skill: 'TypeScript',
      capacity: 1,
      registeredCount: 1,
      seatsLeft: 0,
      swapId,
      host: { id: ana.id },
    });
    const forBen = await call(app, ben, 'GET', `/api/sessions/${session.id}`);
    expect(forBen.statusCode).toBe(200);
    expect(forBen.json().session.viewerRegistration).toBe('registered');
    const benSessions = (await call(app, ben, 'GET', '/api/me/sessions')).json();
    expect(benSessions.attending.map((s: { id: string }) => s.id)).toContain(session.id);
    expect((await call(app, ana, 'GET', `/api/swaps/${swapId}`)).json().swap.sessionIds).toEqual([
      session.id,
    ]);
  });

  it('is not found by a third member or signed out, is not in browse, and cannot be joined by others', async () => {
    expect((await call(app, carl, 'GET', `/api/sessions/${anaSession.id}`)).statusCode).toBe(404);
    expect((await call(app, null, 'GET', `/api/sessions/${anaSession.id}`)).statusCode).toBe(404);
    expect((await call(app, null, 'GET', `/api/sessions/${anaSession.id}/calendar.ics`)).statusCode).toBe(
      404,
    );
    expect((await call(app, mod, 'GET', `/api/sessions/${anaSession.id}`)).statusCode).toBe(200);
    for (const who of [null, carl, ben, ana, mod]) {
      const browse = (await call(app, who, 'GET', '/api/sessions?skill=TypeScript')).json();
      expect(browse.items.map((s: { id: string }) => s.id)).not.toContain(anaSession.id);
    }
    const hosted = (await call(app, carl, 'GET', `/api/sessions?hostId=${ana.id}`)).json();
    expect(hosted.items).toEqual([]);
    expect((await call(app, carl, 'POST', `/api/sessions/${anaSession.id}/registration`)).statusCode).toBe(
      404,
    );
  });

  it('keeps capacity 1 when the host edits it, and is not copied', async () => {
    const edit = await call(app, ana, 'PATCH', `/api/sessions/${anaSession.id}`, { capacity: 4 });
    expect(edit.statusCode).toBe(409);
    const copy = await call(app, ana, 'POST', `/api/sessions/${anaSession.id}/clone`, {
      startsAt: startsAt(10),
    });
    expect(copy.statusCode).toBe(409);
  });

  it('allows one live session per member: a second one is 409', async () => {
    expect((await schedule(ana, swapId, form('More TypeScript', 'TypeScript'))).statusCode).toBe(409);
  });

  it('lets the other member schedule theirs; the swap lists both', async () => {
    const res = await schedule(ben, swapId, form('Three chords', 'Guitar', 4));
    expect(res.statusCode).toBe(201);
    benSession = res.json().session;
    expect((await call(app, ana, 'GET', `/api/swaps/${swapId}`)).json().swap.sessionIds).toEqual([
      anaSession.id,
      benSession.id,
    ]);
  });

  it('completes the swap when the second session is completed, and frees the pair for another swap', async () => {
    await complete(ana, anaSession.id, ben, anaSession.startsAt);
    expect((await call(app, ana, 'GET', `/api/swaps/${swapId}`)).json().swap.status).toBe('accepted');
    await complete(ben, benSession.id, ana, benSession.startsAt);
    // The swap learns of its sessions from a reactor, a moment after the completion.
    await expect
      .poll(async () => (await call(app, ben, 'GET', `/api/swaps/${swapId}`)).json().swap.status)
      .toBe('completed');
    expect((await call(app, ben, 'GET', `/api/swaps?status=completed`)).json().items).toEqual([
      expect.objectContaining({ id: swapId }),
    ]);
    // Both taught an hour and learned an hour.
    const { profile } = (await call(app, null, 'GET', `/api/users/${ana.id}`)).json();
    expect(profile.hours).toEqual({ taught: 1, learned: 1, balance: 0 });
    expect((await schedule(ana, swapId, form('Encore', 'TypeScript'))).statusCode).toBe(409);
    expect((await propose(app, ben, ana, 'Guitar', 'TypeScript')).statusCode).toBe(201);
  });
});

describe('a cancelled swap session', () => {
  it('can be scheduled again by its host', async () => {
    const dora = await member(app, 'Dora', { teach: ['Knitting'], learn: ['Chess'] });
    const swapId = await acceptedSwap(carl, dora, 'Chess', 'Knitting');
    const first = (await schedule(carl, swapId, form('Openings', 'Chess'))).json().session;
    const cancel = await call(app, carl, 'POST', `/api/sessions/${first.id}/cancel`, { reason: 'I am ill' });
    expect(cancel.statusCode).toBe(200);
    await expect
      .poll(async () => (await schedule(carl, swapId, form('Openings again', 'Chess'))).statusCode)
      .toBe(201);
    const swap = (await call(app, dora, 'GET', `/api/swaps/${swapId}`)).json().swap;
    expect(swap).toMatchObject({ status: 'accepted' });
    expect(swap.sessionIds).toHaveLength(2);
  });
});

describe('a suspended member', () => {
  it('cannot schedule, and the swap they were in ends, so the other member cannot either', async () => {
    const eve = await member(app, 'Eve', { teach: ['Poetry'], learn: ['Chess'] });
    const finn = await member(app, 'Finn', { teach: ['Chess'], learn: ['Poetry'] });
    const swapId = await acceptedSwap(eve, finn, 'Poetry', 'Chess');
    await suspend(app, mod, eve);
    expect([401, 403]).toContain((await schedule(eve, swapId, form('Sonnets', 'Poetry'))).statusCode);
    await expect
      .poll(async () => (await schedule(finn, swapId, form('Endgames', 'Chess'))).statusCode)
      .toBe(409);
  });
});
