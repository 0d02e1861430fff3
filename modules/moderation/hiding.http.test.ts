// Hiding content: by the weight of open reports (REPORT_HIDE_THRESHOLD 0.2 here: two reports of new members, 0.1
// each; report-weights.http.test.ts has the default threshold and real standing), by a moderator (directly or by
// resolving a report), restoring it; hidden sessions; and the "Done when": hiding a review changes the
// mentor's average at once, and a full rebuild of every read model gives the same tables.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { ReviewView } from '../../read-models/reviews/views.ts';
import type { SessionView } from '../../read-models/session-listings/views.ts';
import { skillswap } from '../index.ts';
import {
  call,
  type Member,
  member,
  reputationOf,
  review,
  session,
  untilCaughtUp,
  upcoming,
  withRole,
} from './testing.ts';

let app: Platform;
let host: Member, ann: Member, bob: Member, cat: Member, mod: Member, admin: Member;
let done: string; // completed; ann (5), bob (1) and cat (4) reviewed it: the host's average is 3.33
let bobReview: string, catReview: string;

const report = (who: Member, targetType: string, targetId: string) =>
  call(app, who, 'POST', '/api/reports', { targetType, targetId, reason: 'unfair and rude' });
const content = (
  who: Member | null,
  type: string,
  id: string,
  action: 'hide' | 'restore',
  note: unknown = 'checked',
) => call(app, who, 'POST', `/api/moderation/content/${type}/${id}/${action}`, { note });
const reviewIds = async (sessionId: string) => {
  const res = await call(app, null, 'GET', `/api/sessions/${sessionId}/reviews`);
  expect(res.statusCode).toBe(200);
  return (res.json().items as ReviewView[]).map((r) => r.id);
};

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000, reportHideThreshold: 0.2 } });
  [host, ann, bob, cat] = (await Promise.all(
    ['Hal', 'Ann', 'Bob', 'Cat'].map((n) => member(app, n)),
  )) as Member[] as [Member, Member, Member, Member];
  [mod, admin] = await Promise.all([withRole(app, 'moderator', 'Mo'), withRole(app, 'admin', 'Ada')]);
  done = await session(app, host, { registered: [ann, bob, cat], title: 'Rye bread' });
  await review(app, ann, done, 5, 'Great.');
  bobReview = await review(app, bob, done, 1, 'Terrible host, total idiot.');
  catReview = await review(app, cat, done, 4, 'Fine.');
});

describe('hiding by the weight of open reports', () => {
  it('given two reports on a review (threshold 0.2), then it is hidden at once and stops counting', async () => {
    const [r1, r2] = await Promise.all([member(app, 'R1'), member(app, 'R2')]);
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 3.33, ratingCount: 3 });
    const first = await report(r1, 'review', bobReview);
    expect(first.statusCode).toBe(201);
    expect(first.json().report.target).toMatchObject({ hidden: false, openWeight: 0.1 });
    expect(await reviewIds(done)).toContain(bobReview);

    const second = await report(r2, 'review', bobReview);
    expect(second.statusCode).toBe(201);
    expect(second.json().report.target).toMatchObject({ hidden: true, openReports: 2, openWeight: 0.2 });
    // Read-your-writes: the very next reads see the review gone and the host's average without it.
    expect(await reviewIds(done)).not.toContain(bobReview);
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 4.5, ratingCount: 2 });
    const byHost = await call(app, null, 'GET', `/api/users/${host.id}/reviews`);
    expect((byHost.json().items as ReviewView[]).map((r) => r.id)).not.toContain(bobReview);
  });

  it('given a moderator restores it, then it is back and counts again; restoring twice is 409', async () => {
    expect((await content(ann, 'review', bobReview, 'restore')).statusCode).toBe(403);
    expect((await content(null, 'review', bobReview, 'restore')).statusCode).toBe(401);
    expect((await content(mod, 'review', bobReview, 'restore', '')).statusCode).toBe(400);
    const res = await content(mod, 'review', bobReview, 'restore', 'harsh but honest');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ hidden: false });
    expect(await reviewIds(done)).toContain(bobReview);
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 3.33, ratingCount: 3 });
    const twice = await content(mod, 'review', bobReview, 'restore');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('conflict');
  });

  it('given a restored review, then only reports filed since count towards hiding it again', async () => {
    const [r3, r4] = await Promise.all([member(app, 'R3'), member(app, 'R4')]);
    const third = await report(r3, 'review', bobReview);
    expect(third.json().report.target).toMatchObject({ hidden: false, openReports: 3 });
    expect(await reviewIds(done)).toContain(bobReview);
    expect((await report(r4, 'review', bobReview)).json().report.target).toMatchObject({ hidden: true });
    expect(await reviewIds(done)).not.toContain(bobReview);
    expect((await content(mod, 'review', bobReview, 'restore', 'still honest')).statusCode).toBe(200);
  });

  it('given an unknown review or session, then 404', async () => {
    expect((await content(mod, 'review', 'nope', 'hide')).statusCode).toBe(404);
    expect((await content(mod, 'session', 'nope', 'hide')).statusCode).toBe(404);
    expect((await content(mod, 'user', host.id, 'hide')).statusCode).toBe(400);
  });
});

describe('hiding by a moderator', () => {
  it('resolving a report with hide hides the review and changes the average at once', async () => {
    const reporter = await member(app, 'R5');
    const id = (await report(reporter, 'review', catReview)).json().report.id;
    const res = await call(app, mod, 'POST', `/api/moderation/reports/${id}/resolve`, {
      action: 'hide',
      note: 'off-topic',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().report).toMatchObject({ status: 'resolved', action: 'hide', target: { hidden: true } });
    expect(await reviewIds(done)).not.toContain(catReview);
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 3, ratingCount: 2 });
  });

  it('a hidden session is 404 for members and anonymous, 200 for moderators, admins and its host', async () => {
    const up = await upcoming(app, host, [ann]);
    expect((await content(host, 'session', up, 'hide')).statusCode).toBe(403);
    const hidden = await content(mod, 'session', up, 'hide', 'scam link');
    expect(hidden.statusCode).toBe(200);
    expect(hidden.json()).toEqual({ hidden: true });
    expect((await content(mod, 'session', up, 'hide', 'again')).statusCode).toBe(200); // no-op
    for (const who of [null, bob, ann]) {
      const res = await call(app, who, 'GET', `/api/sessions/${up}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    for (const who of [mod, admin, host])
      expect((await call(app, who, 'GET', `/api/sessions/${up}`)).statusCode).toBe(200);
    const listed = async (who: Member | null) =>
      ((await call(app, who, 'GET', `/api/sessions?hostId=${host.id}`)).json().items as SessionView[]).map(
        (s) => s.id,
      );
    expect(await listed(bob)).not.toContain(up);
    expect(await listed(null)).not.toContain(up);
    expect(await listed(mod)).toContain(up);

    expect((await content(mod, 'session', up, 'restore', 'fixed')).statusCode).toBe(200);
    expect((await call(app, bob, 'GET', `/api/sessions/${up}`)).statusCode).toBe(200);
  });

  it('a moderator cannot hide their own session (403)', async () => {
    const own = await upcoming(app, mod);
    const res = await content(mod, 'session', own, 'hide');
    expect(res.statusCode).toBe(403);
    expect((await content(admin, 'session', own, 'hide')).statusCode).toBe(200);
  });
});

/** table → md5 of all its rows as text, in a fixed order (null for an empty table). */
async function hashes() {
  const result: Record<string, string | null> = {};
  for (const p of app.consumers) {
    if (p.kind !== 'read-model') continue;
    for (const table of p.tables) {
      const { rows } = await app.pool.query<{ h: string | null }>(
        `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${table} t`,
      );
      result[table] = rows[0]!.h;
    }
  }
  return result;
}

describe('Done when', () => {
  it('a full rebuild of every read model gives the same tables after this moderation history', async () => {
    // More history: a suspension and its lifting, a dismissed report, a refiled one.
    const [troll, r4] = await Promise.all([member(app, 'Troll'), member(app, 'R4')]);
    const suspend = (action: string) =>
      call(app, mod, 'POST', `/api/moderation/users/${troll.id}/${action}`, { reason: 'x' });
    expect((await suspend('suspend')).statusCode).toBe(200);
    expect((await suspend('unsuspend')).statusCode).toBe(200);
    const id = (await report(r4, 'user', troll.id)).json().report.id;
    await call(app, mod, 'POST', `/api/moderation/reports/${id}/resolve`, { action: 'dismiss', note: 'ok' });
    expect((await report(r4, 'user', troll.id)).statusCode).toBe(201);
    await untilCaughtUp(app);

    const before = await hashes();
    for (const t of ['moderation_reports', 'moderation_targets', 'audit_log', 'reputation_ratings']) {
      expect(before[t], t).not.toBeNull();
    }
    for (const p of app.consumers) if (p.kind === 'read-model') await app.rebuild(p.name);
    await untilCaughtUp(app);
    expect(await hashes()).toEqual(before);
    expect(await reputationOf(app, host.id)).toMatchObject({ averageRating: 3, ratingCount: 2 });
  });
});

describe('what a hidden review still allows', () => {
  it('given a hidden review, then its author cannot edit or delete it and the host cannot reply (404)', async () => {
    const [dan, hetty] = (await Promise.all([member(app, 'Dan'), member(app, 'Hetty')])) as [Member, Member];
    const other = await session(app, hetty, { registered: [dan], title: 'Sourdough' });
    const hidden = await review(app, dan, other, 2, 'Meh.');
    expect((await content(mod, 'review', hidden, 'hide')).statusCode).toBe(200);
    expect((await call(app, dan, 'PATCH', `/api/reviews/${hidden}`, { rating: 5 })).statusCode).toBe(404);
    expect((await call(app, dan, 'DELETE', `/api/reviews/${hidden}`)).statusCode).toBe(404);
    expect(
      (await call(app, hetty, 'POST', `/api/reviews/${hidden}/reply`, { reply: 'Thanks' })).statusCode,
    ).toBe(404);
    expect((await content(mod, 'review', hidden, 'restore')).statusCode).toBe(200);
    expect(
      (await call(app, hetty, 'POST', `/api/reviews/${hidden}/reply`, { reply: 'Thanks' })).statusCode,
    ).toBe(200);
  });
});
