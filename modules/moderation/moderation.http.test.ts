// Reports over HTTP: filing (with every error), the moderation queue and one report with its history, resolving.
// Hiding by weight, restoring and hidden sessions are in hiding.http.test.ts; suspensions in suspension.http.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { ReportView } from '../../read-models/moderation-queue/views.ts';
import { skillswap } from '../index.ts';
import type { HistoryEntry } from './schemas.ts';
import { call, type Member, member, review, session, withRole } from './testing.ts';

let app: Platform;
let host: Member, ann: Member, bob: Member, mod: Member, mod2: Member;
let done: string; // a completed session of host that ann and bob attended
let annReview: string;

const report = (who: Member | null, targetType: string, targetId: string, reason = 'this breaks the rules') =>
  call(app, who, 'POST', '/api/reports', { targetType, targetId, reason });
const resolve = (who: Member, id: string, body: unknown) =>
  call(app, who, 'POST', `/api/moderation/reports/${id}/resolve`, body);
const queue = async (who: Member | null, status = 'open') => {
  const res = await call(app, who, 'GET', `/api/moderation/reports?status=${status}`);
  expect(res.statusCode).toBe(200);
  return res.json().items as ReportView[];
};

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [host, ann, bob] = (await Promise.all(['Hosta', 'Ann', 'Bob'].map((n) => member(app, n)))) as [
    Member,
    Member,
    Member,
  ];
  [mod, mod2] = await Promise.all([withRole(app, 'moderator', 'Mo'), withRole(app, 'moderator', 'Mia')]);
  done = await session(app, host, { registered: [ann, bob], title: 'Rye bread' });
  annReview = await review(app, ann, done, 4, 'Good rye.');
});

describe('POST /api/reports', () => {
  it('given a member, when they report a session, then 201 with the open report and its target', async () => {
    // Ann's record: an account of today that attended one completed session (done): 0.1 + 0.25.
    const res = await report(ann, 'session', done, '  misleading title  ');
    expect(res.statusCode).toBe(201);
    expect(res.json().report).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      status: 'open',
      reason: 'misleading title',
      category: 'other',
      weight: 0.35,
      source: 'member',
      reporterId: ann.id,
      target: {
        type: 'session',
        id: done,
        ownerId: host.id,
        preview: 'Rye bread',
        hidden: false,
        openReports: 1,
        openWeight: 0.35,
      },
      action: null,
      note: null,
      moderatorId: null,
      filedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      resolvedAt: null,
    });
  });

  it('given a category, then the report and the queue carry it; an unknown category is 400', async () => {
    const res = await call(app, bob, 'POST', '/api/reports', {
      targetType: 'user',
      targetId: host.id,
      reason: 'keeps messaging me',
      category: 'harassment',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().report.category).toBe('harassment');
    const listed = (await queue(mod)).find((r) => r.id === res.json().report.id) as unknown as {
      category: string;
    };
    expect(listed.category).toBe('harassment');
    const bad = await call(app, bob, 'POST', '/api/reports', {
      targetType: 'session',
      targetId: done,
      reason: 'whatever it is',
      category: 'boring',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([
      { path: 'category', message: 'must be spam, harassment, inappropriate or other' },
    ]);
  });

  it('given a bad target type or a reason under 3 characters, then 400 naming each field', async () => {
    const res = await call(app, bob, 'POST', '/api/reports', {
      targetType: 'comment',
      targetId: done,
      reason: 'no',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(
      res
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['reason', 'targetType']);
    expect((await report(bob, 'user', host.id, '   ab  ')).statusCode).toBe(400);
  });

  it('given no session, then 401', async () => {
    const res = await report(null, 'user', host.id);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });

  it.each(['session', 'review', 'user'])('given an unknown %s, then 404', async (type) => {
    const res = await report(bob, type, 'no-such-id');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('given a member reporting themselves or their own content, then 403', async () => {
    expect((await report(host, 'user', host.id)).statusCode).toBe(403);
    expect((await report(host, 'session', done)).statusCode).toBe(403);
    const own = await report(ann, 'review', annReview);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('forbidden');
  });

  it('given an open report by the same member on the same target, then 409; another member may report it', async () => {
    expect((await report(bob, 'user', mod2.id)).statusCode).toBe(201);
    const again = await report(bob, 'user', mod2.id, 'still bad');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
    const other = await report(ann, 'user', mod2.id);
    expect(other.statusCode).toBe(201);
    expect(other.json().report.target).toMatchObject({ openReports: 2, openWeight: 0.7 });
  });
});

describe('GET /api/moderation/reports', () => {
  it('given a moderator 200, a member 403, nobody signed in 401', async () => {
    expect((await call(app, mod, 'GET', '/api/moderation/reports')).statusCode).toBe(200);
    expect((await call(app, ann, 'GET', '/api/moderation/reports')).statusCode).toBe(403);
    expect((await call(app, null, 'GET', '/api/moderation/reports')).statusCode).toBe(401);
  });

  it('lists open reports heaviest target first, then oldest, with the preview and the report count', async () => {
    const [x, y, z, r1, r2, r3, r4] = (await Promise.all(
      ['Xena', 'Yuri', 'Zoe', 'R1', 'R2', 'R3', 'R4'].map((n) => member(app, n)),
    )) as [Member, Member, Member, Member, Member, Member, Member];
    const filed = [];
    for (const [who, target] of [
      [r1, x],
      [r2, y],
      [r3, z],
      [r4, y],
    ] as const) {
      const res = await report(who, 'user', target.id);
      expect(res.statusCode).toBe(201);
      filed.push(res.json().report.id);
    }
    const mine = (await queue(mod)).filter((i) => [x.id, y.id, z.id].includes(i.target.id));
    // y has two open reports of new members (0.1 each); x and z one each, x filed first.
    expect(mine.map((i) => i.id)).toEqual([filed[1], filed[3], filed[0], filed[2]]);
    expect(mine[0]).toMatchObject({ target: { id: y.id, preview: 'Yuri', openReports: 2, openWeight: 0.2 } });
    expect(mine[2]).toMatchObject({ target: { id: x.id, preview: 'Xena', openReports: 1, openWeight: 0.1 } });
  });

  it('given status=resolved, lists resolved reports only; an unknown status is 400', async () => {
    const open = await report(bob, 'user', ann.id);
    const id = open.json().report.id;
    expect((await resolve(mod, id, { action: 'dismiss', note: 'not a problem' })).statusCode).toBe(200);
    expect((await queue(mod, 'resolved')).map((i) => i.id)).toContain(id);
    expect((await queue(mod)).map((i) => i.id)).not.toContain(id);
    expect((await call(app, mod, 'GET', '/api/moderation/reports?status=closed')).statusCode).toBe(400);
  });
});

describe('resolving a report', () => {
  it('needs a note (400), and answers 404 for an unknown report', async () => {
    const id = (await report(ann, 'user', bob.id)).json().report.id;
    expect((await resolve(mod, id, { action: 'dismiss' })).statusCode).toBe(400);
    expect((await resolve(mod, id, { action: 'dismiss', note: '   ' })).statusCode).toBe(400);
    expect((await resolve(mod, id, { action: 'ban', note: 'x' })).statusCode).toBe(400);
    expect((await resolve(mod, 'f'.repeat(32), { action: 'dismiss', note: 'x' })).statusCode).toBe(404);
    expect((await resolve(ann, id, { action: 'dismiss', note: 'x' })).statusCode).toBe(403);
  });

  it('dismiss: 200 with the resolved report; resolving it twice is 409', async () => {
    const id = (await report(host, 'user', bob.id)).json().report.id;
    const res = await resolve(mod, id, { action: 'dismiss', note: '  harmless  ' });
    expect(res.statusCode).toBe(200);
    expect(res.json().report).toMatchObject({
      id,
      status: 'resolved',
      action: 'dismiss',
      note: 'harmless',
      moderatorId: mod.id,
      resolvedAt: expect.stringMatching(/Z$/),
    });
    const twice = await resolve(mod2, id, { action: 'hide', note: 'again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('conflict');
  });

  it('given a report about the moderator, then they get 403 and another moderator may resolve it', async () => {
    const id = (await report(ann, 'user', mod.id, 'rude moderator')).json().report.id;
    const own = await resolve(mod, id, { action: 'dismiss', note: 'nothing to see' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('forbidden');
    expect((await resolve(mod2, id, { action: 'dismiss', note: 'fair enough' })).statusCode).toBe(200);
  });

  it('given a report on a member, when the action is hide, then 400 and the report stays open', async () => {
    const id = (await report(ann, 'user', host.id)).json().report.id;
    expect((await resolve(mod, id, { action: 'hide', note: 'x' })).statusCode).toBe(400);
    expect((await call(app, mod, 'GET', `/api/moderation/reports/${id}`)).json().report.status).toBe('open');
  });

  it('after resolution the same member may report the target again: the report reopens with its history', async () => {
    const first = (await report(bob, 'session', done, 'spam in the title')).json().report;
    expect((await resolve(mod, first.id, { action: 'dismiss', note: 'looks fine' })).statusCode).toBe(200);
    const again = await report(bob, 'session', done, 'really, it is spam');
    expect(again.statusCode).toBe(201);
    expect(again.json().report).toMatchObject({
      id: first.id,
      status: 'open',
      reason: 'really, it is spam',
      action: null,
    });

    const one = await call(app, mod, 'GET', `/api/moderation/reports/${first.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().report.status).toBe('open');
    const history = one.json().history as HistoryEntry[];
    expect(history.map((h) => h.type)).toEqual(['ReportFiled', 'ReportResolved', 'ReportFiled']);
    expect(history[1]!.data).toMatchObject({ action: 'dismiss', note: 'looks fine', moderatorId: mod.id });
    expect(history.every((h) => !Number.isNaN(Date.parse(h.at)))).toBe(true);
  });

  it('says which session a reported review is about (reviewOf), and nothing for other targets', async () => {
    const rey = await member(app, 'Rey');
    const onReview = (await report(rey, 'review', annReview, 'unfair to the host')).json().report;
    const one = (await call(app, mod, 'GET', `/api/moderation/reports/${onReview.id}`)).json();
    expect(one.reviewOf).toEqual({ sessionId: done, sessionTitle: 'Rye bread' });
    const sessionReport = (await report(rey, 'session', done, 'spam in the title')).json().report;
    expect(
      (await call(app, mod, 'GET', `/api/moderation/reports/${sessionReport.id}`)).json().reviewOf,
    ).toBeNull();
  });

  it('GET /api/moderation/reports/:id: member 403, anonymous 401, unknown 404', async () => {
    const id = (await queue(mod))[0]!.id;
    expect((await call(app, ann, 'GET', `/api/moderation/reports/${id}`)).statusCode).toBe(403);
    expect((await call(app, null, 'GET', `/api/moderation/reports/${id}`)).statusCode).toBe(401);
    expect((await call(app, mod, 'GET', '/api/moderation/reports/nope')).statusCode).toBe(404);
  });

  it('an upheld report makes the reporter weigh more next time (0.1 to 0.35), a dismissed one less', async () => {
    const [reporter, target, other] = await Promise.all([
      member(app, 'Trusty'),
      member(app, 'Target'),
      member(app),
    ]);
    const first = (await report(reporter, 'user', target.id)).json().report;
    expect(first.weight).toBe(0.1);
    expect((await resolve(mod, first.id, { action: 'suspend', note: 'abusive messages' })).statusCode).toBe(
      200,
    );
    const next = await report(reporter, 'user', host.id);
    expect(next.statusCode).toBe(201);
    expect(next.json().report.weight).toBe(0.35);
    expect(
      (await resolve(mod, next.json().report.id, { action: 'dismiss', note: 'nothing wrong' })).statusCode,
    ).toBe(200);
    expect((await report(reporter, 'user', other.id)).json().report.weight).toBe(0.1);
  });

  it('keeps the record a weight came from in the report history', async () => {
    const reporter = await member(app, 'Recorded');
    const id = (await report(reporter, 'user', bob.id)).json().report.id;
    const history = (await call(app, mod, 'GET', `/api/moderation/reports/${id}`)).json().history;
    expect(history[0].data).toMatchObject({
      weight: 0.1,
      standing: {
        accountAgeDays: 0,
        sessionsAttended: 0,
        sessionsHosted: 0,
        upheldReports: 0,
        dismissedReports: 0,
      },
    });
  });
});
