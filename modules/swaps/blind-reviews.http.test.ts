// Blind reviews in a swap, through the real routes: each member's review of the other's session stays sealed (its
// author sees it; the reviewed member, a third member, profiles, averages, rating points and notifications do not)
// until the partner's review is written, then both show at once; a lone review is revealed by its job once
// REVIEW_SEAL_DAYS have passed, driven here through the job's command with a later clock.
//
//   Ana teaches Baking, Ben teaches Guitar (swap 1); Cy teaches Chess, Dan teaches Go (swap 2).
//   Each swap: one session hosted by each member for the other, held in May 2025 and completed.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { untilCaughtUp } from '../../infra/testing/caught-up.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { ProfileView } from '../../read-models/member-profiles/views.ts';
import type { ReviewView } from '../../read-models/reviews/views.ts';
import { skillswap } from '../index.ts';
import { runSessionCommand, withHostingFacts } from '../sessions/index.ts';
import { REVIEW_SEAL_DAYS } from './events.ts';
import { revealDueSwapReviews, SWAP_REVIEW_REVEAL_QUEUE } from './review-seals.ts';
import { call, DAY, type Member, member, moderator, propose } from './testing.ts';

let app: Platform;
let ana: Member, ben: Member, cy: Member, dan: Member, eve: Member, mo: Member;
let fay: Member, gus: Member, hal: Member, ivy: Member, jo: Member, kim: Member;

/** A swap proposed by `a` (teaching `aSkill`) and accepted by `b` (teaching `bSkill`). */
async function swap(a: Member, aSkill: string, b: Member, bSkill: string): Promise<string> {
  const res = await propose(app, a, b, aSkill, bSkill);
  expect(res.statusCode).toBe(201);
  const swapId = res.json().swap.id as string;
  expect((await call(app, b, 'POST', `/api/swaps/${swapId}/accept`)).statusCode).toBe(200);
  return swapId;
}

/** A session of the swap that `host` held for `partner` at `startsAt`, completed with the partner present. */
async function swapSession(swapId: string, host: Member, partner: Member, skill: string, startsAt: string) {
  const sessionId = randomUUID();
  const before = new Date(Date.parse(startsAt) - DAY);
  const details = await withHostingFacts(app.pool, host.id, {
    title: `${skill} with ${partner.displayName}`,
    skill,
    description: '',
    difficulty: 'beginner' as const,
    prerequisites: [],
    startsAt,
    durationMinutes: 60,
    capacity: 1,
    meetingUrl: 'https://meet.example.com/swap',
    timezone: 'UTC',
  });
  await runSessionCommand(
    app.command,
    sessionId,
    {
      type: 'Schedule',
      data: {
        sessionId,
        hostId: host.id,
        details: { ...details, hostId: host.id },
        seriesId: null,
        clonedFrom: null,
        swap: { swapId, partnerId: partner.id },
      },
      now: before,
    },
    { actorId: host.id },
  );
  await runSessionCommand(
    app.command,
    sessionId,
    {
      type: 'Complete',
      data: { actor: { memberId: host.id, isModerator: false }, attendeeIds: [partner.id] },
      now: new Date(Date.parse(startsAt) + 60 * 60_000),
    },
    { actorId: host.id },
  );
  return sessionId;
}

async function review(who: Member, sessionId: string, rating: number): Promise<ReviewView> {
  const res = await call(app, who, 'POST', `/api/sessions/${sessionId}/reviews`, {
    rating,
    comment: `${rating} stars`,
  });
  expect(res.statusCode).toBe(201);
  return res.json().review;
}

/** What `who` (null: signed out) is shown of a session's reviews and of a host's. */
async function shown(who: Member | null, path: string): Promise<string[]> {
  const res = await call(app, who, 'GET', path);
  expect(res.statusCode).toBe(200);
  return (res.json().items as ReviewView[]).map((r) => r.id);
}

async function reputation(m: Member) {
  const res = await call(app, null, 'GET', `/api/users/${m.id}`);
  expect(res.statusCode).toBe(200);
  const { averageRating, ratingCount, points } = (res.json().profile as ProfileView).reputation as {
    averageRating: number | null;
    ratingCount: number;
    points: number;
  };
  return { averageRating, ratingCount, points };
}

async function reviewNotes(who: Member) {
  const res = await call(app, who, 'GET', '/api/me/notifications?limit=100');
  expect(res.statusCode).toBe(200);
  return (res.json().items as { kind: string; title: string; body: string }[]).filter(
    (n) => n.kind === 'review',
  );
}

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  ana = await member(app, 'Ana', { teach: ['Baking'], learn: ['Guitar'] });
  ben = await member(app, 'Ben', { teach: ['Guitar'], learn: ['Baking'] });
  cy = await member(app, 'Cy', { teach: ['Chess'], learn: ['Go'] });
  dan = await member(app, 'Dan', { teach: ['Go'], learn: ['Chess'] });
  fay = await member(app, 'Fay', { teach: ['Knitting'], learn: ['Drawing'] });
  gus = await member(app, 'Gus', { teach: ['Drawing'], learn: ['Knitting'] });
  hal = await member(app, 'Hal', { teach: ['Piano'], learn: ['Yoga'] });
  ivy = await member(app, 'Ivy', { teach: ['Yoga'], learn: ['Piano'] });
  jo = await member(app, 'Jo', { teach: ['Pottery'], learn: ['Singing'] });
  kim = await member(app, 'Kim', { teach: ['Singing'], learn: ['Pottery'] });
  eve = await member(app, 'Eve');
  mo = await moderator(app);
});

describe('blind reviews in a swap', () => {
  let anaSession: string, benSession: string, benReview: ReviewView;

  it('keeps the first review sealed: its author sees it, nobody else, and it counts nowhere', async () => {
    const swapId = await swap(ana, 'Baking', ben, 'Guitar');
    anaSession = await swapSession(swapId, ana, ben, 'Baking', '2025-05-05T10:00:00.000Z');
    benSession = await swapSession(swapId, ben, ana, 'Guitar', '2025-05-06T10:00:00.000Z');
    await untilCaughtUp(app);
    const anaBefore = await reputation(ana);

    benReview = await review(ben, anaSession, 5);
    expect(benReview).toMatchObject({ hostId: ana.id, rating: 5, sealed: true });
    await untilCaughtUp(app);

    const mine = await call(app, ben, 'GET', `/api/sessions/${anaSession}/reviews/mine`);
    expect(mine.json()).toMatchObject({ status: 'visible', review: { id: benReview.id, sealed: true } });
    for (const who of [ana, ben, eve, null]) {
      expect(await shown(who, `/api/sessions/${anaSession}/reviews`)).toEqual([]);
      expect(await shown(who, `/api/users/${ana.id}/reviews`)).toEqual([]);
    }
    expect(await reputation(ana)).toEqual(anaBefore);
    expect(anaBefore).toMatchObject({ averageRating: null, ratingCount: 0 });
    expect(await reviewNotes(ana)).toEqual([]);
    // The host cannot reply to what she may not read.
    expect(
      (await call(app, ana, 'POST', `/api/reviews/${benReview.id}/reply`, { reply: 'Thanks' })).statusCode,
    ).toBe(404);
    // Its author may still edit it: the rating it shows with is the one it has when revealed.
    const edited = await call(app, ben, 'PATCH', `/api/reviews/${benReview.id}`, { rating: 4 });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().review).toMatchObject({ rating: 4, sealed: true });
    await untilCaughtUp(app);
    expect(await reputation(ana)).toEqual(anaBefore);
  });

  it("reveals both reviews at once when the partner's is written", async () => {
    const [anaBefore, benBefore] = [await reputation(ana), await reputation(ben)];
    const anaReview = await review(ana, benSession, 5);
    await untilCaughtUp(app);

    for (const who of [ana, ben, eve, null]) {
      expect(await shown(who, `/api/sessions/${anaSession}/reviews`)).toEqual([benReview.id]);
      expect(await shown(who, `/api/users/${ben.id}/reviews`)).toEqual([anaReview.id]);
    }
    const mine = await call(app, ben, 'GET', `/api/sessions/${anaSession}/reviews/mine`);
    expect(mine.json().review.sealed).toBe(false);
    // Ana: rated 4 (Ben's edit while sealed), +2 points; Ben: rated 5, +5, and +3 for writing his (given before).
    expect(await reputation(ana)).toEqual({
      averageRating: 4,
      ratingCount: 1,
      points: anaBefore.points + 3 + 2,
    });
    expect(await reputation(ben)).toEqual({ averageRating: 5, ratingCount: 1, points: benBefore.points + 5 });
    expect((await reviewNotes(ana)).map((n) => n.title)).toEqual(['New review of “Baking with Ben”']);
    expect((await reviewNotes(ben)).map((n) => n.title)).toEqual(['New review of “Guitar with Ana”']);
    expect(
      (await call(app, ana, 'POST', `/api/reviews/${benReview.id}/reply`, { reply: 'Thanks' })).statusCode,
    ).toBe(200);
  });
});

describe('a lone swap review', () => {
  let swapId: string, cyReview: ReviewView, danSession: string;

  it('is scheduled to be revealed REVIEW_SEAL_DAYS after it was written', async () => {
    swapId = await swap(cy, 'Chess', dan, 'Go');
    await swapSession(swapId, cy, dan, 'Chess', '2025-05-05T10:00:00.000Z');
    danSession = await swapSession(swapId, dan, cy, 'Go', '2025-05-06T10:00:00.000Z');
    cyReview = await review(cy, danSession, 2);
    await untilCaughtUp(app);
    const { rows } = await app.pool.query<{ data: { swapId: string }; start_after: Date }>(
      'SELECT data, start_after FROM pgboss.job WHERE name = $1 AND singleton_key = $2',
      [SWAP_REVIEW_REVEAL_QUEUE, cyReview.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toEqual({ swapId });
    const revealAt = Date.parse(cyReview.createdAt) + REVIEW_SEAL_DAYS * DAY;
    expect(Math.abs(rows[0]!.start_after.getTime() - revealAt)).toBeLessThan(1000);
  });

  it('stays sealed when the job runs early, and is revealed by it once its time is up', async () => {
    const at = (days: number) => ({
      ...app.command,
      now: () => new Date(Date.parse(cyReview.createdAt) + days * DAY),
    });
    expect(await revealDueSwapReviews(at(REVIEW_SEAL_DAYS - 1), swapId)).toEqual([]);
    await untilCaughtUp(app);
    expect(await shown(eve, `/api/sessions/${danSession}/reviews`)).toEqual([]);
    expect(await reputation(dan)).toMatchObject({ averageRating: null, ratingCount: 0 });

    const revealed = await revealDueSwapReviews(at(REVIEW_SEAL_DAYS), swapId);
    expect(revealed).toEqual([
      { type: 'SwapReviewsRevealed', data: { swapId, reviewIds: [cyReview.id], reason: 'time' } },
    ]);
    await untilCaughtUp(app);
    expect(await shown(eve, `/api/sessions/${danSession}/reviews`)).toEqual([cyReview.id]);
    expect(await shown(dan, `/api/users/${dan.id}/reviews`)).toEqual([cyReview.id]);
    expect(await reputation(dan)).toMatchObject({ averageRating: 2, ratingCount: 1 });
    expect(await reviewNotes(dan)).toHaveLength(1);
    // However often the job runs again, nothing more happens.
    expect(await revealDueSwapReviews(at(REVIEW_SEAL_DAYS + 1), swapId)).toEqual([]);
  });

  it('is revealed at once when the partner writes theirs after the time was up', async () => {
    const cySession = (
      await app.pool.query<{ session_id: string }>(
        `SELECT session_id FROM session_listings WHERE swap_id = $1 AND host_id = $2`,
        [swapId, cy.id],
      )
    ).rows[0]!.session_id;
    // (Its answer may show it sealed or, the reactor being quick, revealed already.)
    const danReview = await review(dan, cySession, 3);
    await untilCaughtUp(app);
    expect(await shown(eve, `/api/sessions/${cySession}/reviews`)).toEqual([danReview.id]);
    expect(await reputation(cy)).toMatchObject({ averageRating: 3, ratingCount: 1 });
  });
});

describe('a sealed review', () => {
  it('hidden by moderation meanwhile, is revealed without counting, and counts once restored', async () => {
    const swapId = await swap(fay, 'Knitting', gus, 'Drawing');
    const faySession = await swapSession(swapId, fay, gus, 'Knitting', '2025-05-05T10:00:00.000Z');
    const gusSession = await swapSession(swapId, gus, fay, 'Drawing', '2025-05-06T10:00:00.000Z');
    const fayReview = await review(fay, gusSession, 5);
    const hide = await call(app, mo, 'POST', `/api/moderation/content/review/${fayReview.id}/hide`, {
      note: 'hidden for the test',
    });
    expect(hide.statusCode).toBe(200);
    await untilCaughtUp(app);
    const gusBefore = await reputation(gus);

    const gusReview = await review(gus, faySession, 4);
    await untilCaughtUp(app);
    expect(await shown(eve, `/api/sessions/${faySession}/reviews`)).toEqual([gusReview.id]);
    expect(await shown(eve, `/api/sessions/${gusSession}/reviews`)).toEqual([]);
    expect(await reputation(gus)).toEqual({ ...gusBefore, points: gusBefore.points + 3 });
    // Fay is told of Gus's review; Gus of none: the one he received is hidden.
    expect(await reviewNotes(fay)).toHaveLength(1);
    expect(await reviewNotes(gus)).toEqual([]);
    const mine = await call(app, fay, 'GET', `/api/sessions/${gusSession}/reviews/mine`);
    expect(mine.json()).toMatchObject({ status: 'hidden', review: { id: fayReview.id, sealed: false } });

    const restore = await call(app, mo, 'POST', `/api/moderation/content/review/${fayReview.id}/restore`, {
      note: 'restored for the test',
    });
    expect(restore.statusCode).toBe(200);
    await untilCaughtUp(app);
    expect(await shown(eve, `/api/sessions/${gusSession}/reviews`)).toEqual([fayReview.id]);
    expect(await reputation(gus)).toEqual({
      averageRating: 5,
      ratingCount: 1,
      points: gusBefore.points + 3 + 5,
    });
  });

  it('hidden and restored before its reveal, gives its author’s points back and its rating only at the reveal', async () => {
    const swapId = await swap(jo, 'Pottery', kim, 'Singing');
    const joSession = await swapSession(swapId, jo, kim, 'Pottery', '2025-05-05T10:00:00.000Z');
    const kimSession = await swapSession(swapId, kim, jo, 'Singing', '2025-05-06T10:00:00.000Z');
    await untilCaughtUp(app);
    const [joBefore, kimBefore] = [await reputation(jo), await reputation(kim)];
    const joReview = await review(jo, kimSession, 5);
    for (const action of ['hide', 'restore']) {
      const res = await call(app, mo, 'POST', `/api/moderation/content/review/${joReview.id}/${action}`, {
        note: `${action} for the test`,
      });
      expect(res.statusCode).toBe(200);
    }
    await untilCaughtUp(app);
    const tallies = async () =>
      (
        await app.pool.query<{ rating: number | null }>(
          `SELECT (data->>'rating')::int AS rating FROM events WHERE type = 'RatingTallied' AND data->>'reviewId' = $1
            ORDER BY global_position`,
          [joReview.id],
        )
      ).rows;
    expect(await tallies()).toEqual([]);
    expect(await reputation(jo)).toEqual({ ...joBefore, points: joBefore.points + 3 });
    expect(await reputation(kim)).toEqual(kimBefore);

    await review(kim, joSession, 4);
    await untilCaughtUp(app);
    expect(await tallies()).toEqual([{ rating: 5 }]);
    expect(await reputation(kim)).toEqual({
      averageRating: 5,
      ratingCount: 1,
      points: kimBefore.points + 3 + 5,
    });
  });

  it('may be deleted by its author, and a deleted one counts nowhere once its time is up', async () => {
    const swapId = await swap(hal, 'Piano', ivy, 'Yoga');
    const ivySession = await swapSession(swapId, ivy, hal, 'Yoga', '2025-05-06T10:00:00.000Z');
    const halReview = await review(hal, ivySession, 5);
    await untilCaughtUp(app);
    const ivyBefore = await reputation(ivy);
    expect((await call(app, hal, 'DELETE', `/api/reviews/${halReview.id}`)).statusCode).toBe(204);
    const mine = await call(app, hal, 'GET', `/api/sessions/${ivySession}/reviews/mine`);
    expect(mine.json()).toEqual({ status: 'deleted', review: null });

    const later = { ...app.command, now: () => new Date(Date.now() + (REVIEW_SEAL_DAYS + 1) * DAY) };
    expect(await revealDueSwapReviews(later, swapId)).toHaveLength(1);
    await untilCaughtUp(app);
    expect(await shown(eve, `/api/sessions/${ivySession}/reviews`)).toEqual([]);
    expect(await reputation(ivy)).toEqual(ivyBefore);
    expect(await reviewNotes(ivy)).toEqual([]);
  });
});
