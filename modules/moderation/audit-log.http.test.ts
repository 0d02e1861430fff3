// The audit log over HTTP (admin only): every moderation and admin action with who, what, when and why, newest
// first, page by page; and the projection rebuild request that it records.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../infra/http/cursor.ts';
import type { Platform } from '../../infra/platform.ts';
import type { ProjectionStatus } from '../../infra/projections/views.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { AuditEntryView } from '../../read-models/audit-log/views.ts';
import { skillswap } from '../index.ts';
import { call, type Member, member, review, session, withRole } from './testing.ts';

let app: Platform;
let mod: Member, admin: Member, host: Member, ann: Member, bob: Member;
let done: string, annReview: string, jobId: string;

const page = async (query = '') => {
  const res = await call(app, admin, 'GET', `/api/admin/audit-log${query}`);
  expect(res.statusCode).toBe(200);
  return res.json() as Page<AuditEntryView>;
};

beforeAll(async () => {
  // Threshold 0.4: the review below is hidden by the reports of bob (0.1 after his dismissed report) and the host
  // (0.35: a hosted session someone attended), which together weigh 0.45.
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000, reportHideThreshold: 0.4 } });
  [host, ann, bob] = (await Promise.all(['Hal', 'Ann', 'Bob'].map((n) => member(app, n)))) as [
    Member,
    Member,
    Member,
  ];
  mod = await withRole(app, 'moderator', 'Mo');
  admin = await withRole(app, 'admin', 'Ada');
  done = await session(app, host, { registered: [ann, bob] });
  annReview = await review(app, ann, done, 2, 'meh');
  const post = async (who: Member, url: string, body?: unknown, status = 200) => {
    const res = await call(app, who, 'POST', url, body);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
    return res.json();
  };
  // In order: a dismissed report, a review hidden by a moderator and restored, a review hidden by report weight,
  // a spam suspension and its lifting, a rebuild request.
  const r1 = (await post(bob, '/api/reports', { targetType: 'user', targetId: host.id, reason: 'rude' }, 201))
    .report.id;
  await post(mod, `/api/moderation/reports/${r1}/resolve`, { action: 'dismiss', note: 'not rude' });
  await post(mod, `/api/moderation/content/review/${annReview}/hide`, { note: 'personal data' });
  await post(mod, `/api/moderation/content/review/${annReview}/restore`, { note: 'edited out' });
  for (const who of [bob, host]) {
    await post(who, '/api/reports', { targetType: 'review', targetId: annReview, reason: 'unfair' }, 201);
  }
  await post(mod, `/api/moderation/users/${bob.id}/suspend`, { reason: 'ads everywhere', spam: true });
  await post(admin, `/api/moderation/users/${bob.id}/unsuspend`, { reason: 'appeal' });
  jobId = (await post(admin, '/api/admin/projections/member_profiles/rebuild', undefined, 202)).jobId;
});

describe('GET /api/admin/audit-log', () => {
  it('is for admins: a moderator or member 403, nobody signed in 401', async () => {
    for (const [who, status] of [
      [mod, 403],
      [ann, 403],
      [null, 401],
    ] as const) {
      const res = await call(app, who, 'GET', '/api/admin/audit-log');
      expect(res.statusCode).toBe(status);
    }
  });

  it('lists every action, newest first, with who, what, when and why', async () => {
    const { items } = await page('?limit=100');
    const mine = items.filter((e) => !e.action.startsWith('role.'));
    expect(mine.map((e) => [e.action, e.actor?.displayName ?? null, e.target, e.note])).toEqual([
      ['projection.rebuild', 'Ada', { type: 'projection', id: 'member_profiles' }, `job ${jobId}`],
      ['member.unsuspended', 'Ada', { type: 'user', id: bob.id }, 'appeal'],
      ['member.suspended-for-spam', 'Mo', { type: 'user', id: bob.id }, 'ads everywhere'],
      [
        'content.hidden-by-reports',
        null,
        { type: 'review', id: annReview },
        expect.stringContaining('hidden pending review'),
      ],
      ['content.restored', 'Mo', { type: 'review', id: annReview }, 'edited out'],
      ['content.hidden', 'Mo', { type: 'review', id: annReview }, 'personal data'],
      ['report.dismiss', 'Mo', { type: 'user', id: host.id }, 'not rude'],
    ]);
    const times = items.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.abs(times[0]! - Date.now())).toBeLessThan(60_000);
  });

  it('lists role grants from the command line without an actor, saying so', async () => {
    const { items } = await page('?limit=100');
    const grants = items.filter((e) => e.action.startsWith('role.'));
    expect(grants.map((e) => [e.action, e.target?.id, e.actor])).toEqual([
      ['role.granted.admin', admin.id, null],
      ['role.granted.moderator', mod.id, null],
    ]);
    expect(grants[0]!.note).toMatch(/command line/);
  });

  it('pages with a cursor: every entry once, in the same order; a bad cursor is 400', async () => {
    const all = (await page('?limit=100')).items.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Page<AuditEntryView> = await page(
        `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(p.items.length).toBeLessThanOrEqual(2);
      seen.push(...p.items.map((e) => e.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all.length).toBe(9);
    const bad = await call(app, admin, 'GET', '/api/admin/audit-log?cursor=bm90LWEtY3Vyc29y');
    expect(bad.statusCode).toBe(400);
    expect((await call(app, admin, 'GET', '/api/admin/audit-log?limit=0')).statusCode).toBe(400);
  });
});

describe('POST /api/admin/projections/:name/rebuild', () => {
  it('is for admins (moderator 403) and knows only read models (404 otherwise)', async () => {
    expect((await call(app, mod, 'POST', '/api/admin/projections/member_profiles/rebuild')).statusCode).toBe(
      403,
    );
    expect((await call(app, null, 'POST', '/api/admin/projections/member_profiles/rebuild')).statusCode).toBe(
      401,
    );
    expect((await call(app, admin, 'POST', '/api/admin/projections/no_such/rebuild')).statusCode).toBe(404);
    expect(
      (await call(app, admin, 'POST', '/api/admin/projections/content_screening/rebuild')).statusCode,
    ).toBe(404);
  });

  it('answered 202 with a job id, and the projection is running again afterwards, not failing', async () => {
    expect(jobId).toEqual(expect.any(String));
    const status = async () => {
      const res = await call(app, admin, 'GET', '/api/admin/projections');
      expect(res.statusCode).toBe(200);
      return (res.json().items as ProjectionStatus[]).find((p) => p.name === 'member_profiles');
    };
    const deadline = Date.now() + 10_000;
    while ((await status())?.status === 'rebuilding' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await status()).toMatchObject({ status: 'running' });
  });
});
