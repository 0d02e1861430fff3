// Swap proposals through HTTP, for every role: the two members, a third member, a moderator, a suspended member,
// someone signed out. Proposals, answers, one open swap per pair, expiry, and the daily limit (blocked words: moderation/screening.http.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { untilCaughtUp } from '../../infra/testing/caught-up.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';
import { expireSwap } from './handlers.ts';
import { call, DAY, type Member, member, moderator, propose, suspend } from './testing.ts';

const PER_DAY = 3;
let app: Platform;
let ana: Member;
let ben: Member;
let carl: Member;
let mod: Member;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, {
    config: {
      limits: { sessionsPerDay: 1000, reviewsPerDay: 1000, reportsPerDay: 1000, swapsPerDay: PER_DAY },
      signupLimitPerIp: 1000,
      blocked: { words: ['casino'], domains: ['spam.example'] },
    },
  });
  ana = await member(app, 'Ana', { teach: ['TypeScript', 'Baking'], learn: ['Guitar'] });
  ben = await member(app, 'Ben', { teach: ['Guitar'], learn: ['TypeScript'] });
  carl = await member(app, 'Carl', { teach: ['Chess', 'Guitar'], learn: ['Baking'] });
  mod = await moderator(app);
});

const swapOf = (res: { json: () => { swap: Record<string, unknown> } }) => res.json().swap;

describe('proposing a swap', () => {
  let swapId: string;

  it('answers 201 with the swap: both members, both skills as their profiles spell them, 14 days to answer', async () => {
    const res = await propose(
      app,
      ana,
      ben,
      'typescript',
      'GUITAR',
      'I teach you TypeScript, you teach me chords?',
    );
    expect(res.statusCode).toBe(201);
    const swap = swapOf(res);
    swapId = swap.id as string;
    expect(swap).toMatchObject({
      proposer: { id: ana.id, displayName: 'Ana' },
      receiver: { id: ben.id, displayName: 'Ben' },
      offerSkill: 'TypeScript',
      wantSkill: 'Guitar',
      status: 'proposed',
      sessionIds: [],
    });
    // createdAt is when the database recorded it, a moment after the clock the expiry was reckoned from.
    const answerTime = Date.parse(swap.expiresAt as string) - Date.parse(swap.createdAt as string);
    expect(Math.abs(answerTime - 14 * DAY)).toBeLessThan(1000);
  });

  it('allows one open swap per pair, whoever proposes (409)', async () => {
    expect((await propose(app, ana, ben, 'Baking', 'Guitar')).statusCode).toBe(409);
    const back = await propose(app, ben, ana, 'Guitar', 'TypeScript');
    expect(back.statusCode).toBe(409);
    expect(back.json().error.code).toBe('conflict');
  });

  it('shows the swap to its two members and moderators only', async () => {
    for (const who of [ana, ben, mod]) {
      expect((await call(app, who, 'GET', `/api/swaps/${swapId}`)).statusCode).toBe(200);
    }
    expect((await call(app, carl, 'GET', `/api/swaps/${swapId}`)).statusCode).toBe(404);
    expect((await call(app, null, 'GET', `/api/swaps/${swapId}`)).statusCode).toBe(401);
    expect((await call(app, ana, 'GET', '/api/swaps/no-such-swap')).statusCode).toBe(404);
  });

  it("lists it among both members' swaps, not among anyone else's", async () => {
    for (const who of [ana, ben]) {
      const res = await call(app, who, 'GET', '/api/swaps');
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((s: { id: string }) => s.id)).toContain(swapId);
    }
    expect((await call(app, carl, 'GET', '/api/swaps')).json().items).toEqual([]);
    expect((await call(app, null, 'GET', '/api/swaps')).statusCode).toBe(401);
  });

  it('lets only the receiver accept it, once', async () => {
    expect((await call(app, ana, 'POST', `/api/swaps/${swapId}/accept`)).statusCode).toBe(403);
    expect((await call(app, mod, 'POST', `/api/swaps/${swapId}/accept`)).statusCode).toBe(403);
    expect((await call(app, carl, 'POST', `/api/swaps/${swapId}/accept`)).statusCode).toBe(404);
    expect((await call(app, null, 'POST', `/api/swaps/${swapId}/accept`)).statusCode).toBe(401);
    const res = await call(app, ben, 'POST', `/api/swaps/${swapId}/accept`);
    expect(res.statusCode).toBe(200);
    expect(swapOf(res).status).toBe('accepted');
    expect((await call(app, ben, 'POST', `/api/swaps/${swapId}/accept`)).statusCode).toBe(409);
    expect((await call(app, ben, 'POST', `/api/swaps/${swapId}/decline`)).statusCode).toBe(409);
    expect((await call(app, ana, 'POST', `/api/swaps/${swapId}/withdraw`)).statusCode).toBe(409);
  });

  it('keeps the pair to their accepted swap: no second one', async () => {
    expect((await propose(app, ana, ben, 'Baking', 'Guitar')).statusCode).toBe(409);
  });

  it('filters my swaps by status', async () => {
    const accepted = await call(app, ana, 'GET', '/api/swaps?status=accepted');
    expect(accepted.json().items.map((s: { id: string }) => s.id)).toEqual([swapId]);
    expect((await call(app, ana, 'GET', '/api/swaps?status=proposed')).json().items).toEqual([]);
    expect((await call(app, ana, 'GET', '/api/swaps?status=open')).statusCode).toBe(400);
  });
});

describe('declining and withdrawing', () => {
  it('lets the receiver decline, and the pair may then swap again', async () => {
    const first = swapOf(await propose(app, carl, ana, 'Chess', 'Baking'));
    expect((await call(app, carl, 'POST', `/api/swaps/${first.id}/decline`)).statusCode).toBe(403);
    const res = await call(app, ana, 'POST', `/api/swaps/${first.id}/decline`);
    expect(swapOf(res).status).toBe('declined');
    const again = await propose(app, ana, carl, 'Baking', 'Chess');
    expect(again.statusCode).toBe(201);
    // The proposer withdraws; the receiver cannot.
    const second = swapOf(again);
    expect((await call(app, carl, 'POST', `/api/swaps/${second.id}/withdraw`)).statusCode).toBe(403);
    const withdrawn = await call(app, ana, 'POST', `/api/swaps/${second.id}/withdraw`);
    expect(swapOf(withdrawn).status).toBe('withdrawn');
    expect((await call(app, carl, 'POST', `/api/swaps/${second.id}/accept`)).statusCode).toBe(409);
  });
});

describe('expiry', () => {
  it('schedules the expiry at 14 days, and then the proposal expires and frees the pair', async () => {
    const dan = await member(app, 'Dan', { teach: ['Welding'], learn: ['Chess'] });
    const swap = swapOf(await propose(app, dan, carl, 'Welding', 'Chess'));
    const { rows } = await app.pool.query<{ start_after: Date }>(
      `SELECT start_after FROM pgboss.job WHERE name = 'swap-expiry' AND data->>'swapId' = $1`,
      [swap.id],
    );
    expect(rows.map((r) => r.start_after.toISOString())).toEqual([swap.expiresAt]);
    // The job, run early, changes nothing.
    await expireSwap(app.command, swap.id as string);
    expect(swapOf(await call(app, dan, 'GET', `/api/swaps/${swap.id}`)).status).toBe('proposed');
    // Run when due, it expires the proposal: no answer is possible any more, and the pair may propose again.
    const due = new Date(Date.parse(swap.expiresAt as string) + 1000);
    await expireSwap({ ...app.command, now: () => due }, swap.id as string);
    expect(swapOf(await call(app, dan, 'GET', `/api/swaps/${swap.id}`)).status).toBe('expired');
    expect((await call(app, carl, 'POST', `/api/swaps/${swap.id}/accept`)).statusCode).toBe(409);
    expect((await propose(app, carl, dan, 'Chess', 'Welding')).statusCode).toBe(201);
  });
});

describe('what a proposal may not be', () => {
  it.each([
    ['without a message', { offerSkill: 'Baking', wantSkill: 'Chess' }, 'message'],
    ['with an empty message', { offerSkill: 'Baking', wantSkill: 'Chess', message: '  ' }, 'message'],
    [
      'with a NUL in the message',
      { offerSkill: 'Baking', wantSkill: 'Chess', message: 'a\u0000b' },
      'message',
    ],
    [
      'with a message over 2000',
      { offerSkill: 'Baking', wantSkill: 'Chess', message: 'x'.repeat(2001) },
      'message',
    ],
    [
      'offering a skill I do not teach',
      { offerSkill: 'Welding', wantSkill: 'Chess', message: 'hi' },
      'offerSkill',
    ],
    [
      'asking for a skill they do not teach',
      { offerSkill: 'Baking', wantSkill: 'Piano', message: 'hi' },
      'wantSkill',
    ],
  ])('answers 400 naming the field %s', async (_, body, field) => {
    const eve = await member(app, 'Eve', { teach: ['Baking'] });
    const res = await call(app, eve, 'POST', '/api/swaps', { toMemberId: carl.id, ...body });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('cannot be to myself (400), to nobody (404) or from someone signed out (401)', async () => {
    const self = await propose(app, ana, ana, 'Baking', 'TypeScript');
    expect(self.statusCode).toBe(400);
    expect((await propose(app, ana, { id: 'no-such-member' }, 'Baking', 'Guitar')).statusCode).toBe(404);
    const signedOut = await call(app, null, 'POST', '/api/swaps', {
      toMemberId: ben.id,
      offerSkill: 'Baking',
      wantSkill: 'Guitar',
      message: 'hi',
    });
    expect(signedOut.statusCode).toBe(401);
  });
});

describe('the daily limit', () => {
  it(`allows ${PER_DAY} proposals a day, refused ones not counted, then answers 429`, async () => {
    const fay = await member(app, 'Fay', { teach: ['Knitting'] });
    const teachers = await Promise.all(
      [1, 2, 3, 4].map((n) => member(app, `Teacher ${n}`, { teach: ['Origami'] })),
    );
    expect((await propose(app, fay, teachers[0]!, 'Knitting', 'Welding')).statusCode).toBe(400);
    for (const t of teachers.slice(0, PER_DAY)) {
      expect((await propose(app, fay, t, 'Knitting', 'Origami')).statusCode).toBe(201);
    }
    const over = await propose(app, fay, teachers[PER_DAY]!, 'Knitting', 'Origami');
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
  });
});

describe('a suspended member', () => {
  it('can neither propose, nor answer, nor read swaps; and cannot be proposed to', async () => {
    const gil = await member(app, 'Gil', { teach: ['Poetry'], learn: ['Chess'] });
    const hal = await member(app, 'Hal', { teach: ['Chess'], learn: ['Poetry'] });
    const swap = swapOf(await propose(app, hal, gil, 'Chess', 'Poetry'));
    await suspend(app, mod, gil);
    // A suspension signs the member out (a reactor revokes their sign-ins; until then writes answer 403).
    for (const [method, url] of [
      ['POST', `/api/swaps/${swap.id}/accept`],
      ['POST', `/api/swaps/${swap.id}/decline`],
      ['GET', `/api/swaps/${swap.id}`],
      ['GET', '/api/swaps'],
    ] as const) {
      expect([401, 403]).toContain((await call(app, gil, method, url)).statusCode);
    }
    expect([401, 403]).toContain((await propose(app, gil, carl, 'Poetry', 'Chess')).statusCode);
    const toSuspended = await propose(app, carl, gil, 'Chess', 'Poetry');
    expect(toSuspended.statusCode).toBe(409);
  });
});

describe('when a member leaves or is suspended', () => {
  const status = async (who: Member, id: unknown) =>
    swapOf(await call(app, who, 'GET', `/api/swaps/${id}`)).status;
  const news = async (who: Member) =>
    (await call(app, who, 'GET', '/api/me/notifications?limit=100')).json().items as {
      kind: string;
      body: string;
    }[];

  it('ends their open swap: the other member sees it withdrawn, is told why, and the thread closes', async () => {
    const ivy = await member(app, 'Ivy', { teach: ['Knitting'], learn: ['Chess'] });
    const jon = await member(app, 'Jon', { teach: ['Chess'], learn: ['Knitting'] });
    const swap = swapOf(await propose(app, jon, ivy, 'Chess', 'Knitting'));
    expect((await call(app, ivy, 'POST', `/api/swaps/${swap.id}/accept`)).statusCode).toBe(200);
    await suspend(app, mod, ivy);
    await untilCaughtUp(app);
    expect(await status(jon, swap.id)).toBe('withdrawn');
    expect(await news(jon)).toContainEqual(
      expect.objectContaining({ kind: 'swap-ended', body: expect.stringContaining('suspended') }),
    );
    // The thread is closed with the swap.
    const message = await call(app, jon, 'POST', `/api/swaps/${swap.id}/messages`, { body: 'Still on?' });
    expect(message.statusCode).toBe(409);
  });

  it('ends the swaps a deleted member proposed and was proposed, and nobody else’s', async () => {
    const kim = await signUpAs(app, { displayName: 'Kim' });
    const kimM = { id: kim.user.id, email: kim.user.email, displayName: 'Kim', cookie: kim.cookie };
    await call(app, kimM, 'PATCH', '/api/me/profile', {
      skillsToTeach: ['Origami'],
      skillsToLearn: ['Chess'],
    });
    const lou = await member(app, 'Lou', { teach: ['Chess'], learn: ['Origami'] });
    const max = await member(app, 'Max', { teach: ['Chess', 'Drums'], learn: ['Origami', 'Knitting'] });
    const nia = await member(app, 'Nia', { teach: ['Knitting'], learn: ['Drums'] });
    const toKim = swapOf(await propose(app, lou, kimM, 'Chess', 'Origami'));
    const fromKim = swapOf(await propose(app, kimM, max, 'Origami', 'Chess'));
    const others = swapOf(await propose(app, max, nia, 'Drums', 'Knitting'));
    const res = await call(app, kimM, 'DELETE', '/api/me', { password: kim.password });
    expect(res.statusCode).toBe(204);
    await untilCaughtUp(app);
    expect(await status(lou, toKim.id)).toBe('withdrawn');
    expect(await status(max, fromKim.id)).toBe('withdrawn');
    expect(await status(max, others.id)).toBe('proposed');
    expect((await news(lou)).filter((n) => n.kind === 'swap-ended')).toEqual([
      expect.objectContaining({ body: expect.stringContaining('left SkillSwap') }),
    ]);
  });
});
