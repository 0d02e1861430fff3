// Reports weighted by standing, at the default REPORT_HIDE_THRESHOLD (3): accounts made for the purpose hide
// nothing, however many; members with a record do, and the count is kept in the content's own stream, so reports
// filed at the same moment are all counted. Account age cannot be set up here (it comes from when the account
// was made), so the established reporters are new accounts with a record of another kind: three completed
// sessions attended (made through the real commands, with the clock they would have had) and one report upheld:
// 0.1 + 0.75 + 0.25 = 1.1 each.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { AuditEntryView } from '../../read-models/audit-log/views.ts';
import type { ReportView } from '../../read-models/moderation-queue/views.ts';
import { skillswap } from '../index.ts';
import { call, eventually, type Member, member, session, upcoming, withRole } from './testing.ts';

let app: Platform;
let host: Member, mod: Member, admin: Member;
let established: Member[];

const report = (who: Member, targetId: string) =>
  call(app, who, 'POST', '/api/reports', { targetType: 'session', targetId, reason: 'a scam, do not go' });
const visible = async (sessionId: string) =>
  (await call(app, null, 'GET', `/api/sessions/${sessionId}`)).statusCode === 200;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, {
    config: { signupLimitPerIp: 1000, blocked: { words: ['jackpot'], domains: [] } },
  });
  [host, mod, admin] = await Promise.all([
    member(app, 'Hal'),
    withRole(app, 'moderator', 'Mo'),
    withRole(app, 'admin', 'Ada'),
  ]);
  established = await Promise.all(['Eve', 'Eli', 'Ema', 'Eno'].map((n) => member(app, n)));
  const mentor = await member(app, 'Mentor');
  for (const title of ['Rye', 'Spelt', 'Barley'])
    await session(app, mentor, { registered: established, title });
  for (const who of established) {
    const spammer = await member(app);
    const filed = await call(app, who, 'POST', '/api/reports', {
      targetType: 'user',
      targetId: spammer.id,
      reason: 'sells followers',
    });
    const resolved = await call(
      app,
      mod,
      'POST',
      `/api/moderation/reports/${filed.json().report.id}/resolve`,
      {
        action: 'suspend',
        note: 'fake followers',
      },
    );
    expect(resolved.statusCode).toBe(200);
  }
});

describe('reports of accounts made a minute ago', () => {
  it('given three of them, then each weighs 0.1 and the session stays visible', async () => {
    const target = await upcoming(app, host);
    for (const who of await Promise.all([1, 2, 3].map(() => member(app)))) {
      const res = await report(who, target);
      expect(res.statusCode).toBe(201);
      expect(res.json().report.weight).toBe(0.1);
    }
    expect(await visible(target)).toBe(true);
  });

  it('given twenty of them (what one network may make in an hour), then the session stays visible', async () => {
    const target = await upcoming(app, host);
    const crowd = await Promise.all(Array.from({ length: 20 }, () => member(app)));
    let last = null;
    for (const who of crowd) last = await report(who, target);
    expect(last!.json().report.target).toMatchObject({ openReports: 20, openWeight: 2, hidden: false });
    expect(await visible(target)).toBe(true);
  });
});

describe('reports of established members', () => {
  it('given two of them, the session stays visible; the third hides it at once, as nobody’s act', async () => {
    const target = await upcoming(app, host);
    const [first, second, third] = established as [Member, Member, Member];
    expect((await report(first, target)).json().report.weight).toBe(1.1);
    expect((await report(second, target)).json().report.target).toMatchObject({ hidden: false });
    expect(await visible(target)).toBe(true);
    const res = await report(third, target);
    expect(res.json().report.target).toMatchObject({ hidden: true, openWeight: 3.3 });
    expect(await visible(target)).toBe(false);
    const log = await call(app, admin, 'GET', '/api/admin/audit-log?limit=10');
    const hidden = (log.json().items as AuditEntryView[]).find((e) => e.target?.id === target);
    expect(hidden).toMatchObject({ action: 'content.hidden-by-reports', actor: null });
  });

  it('given three of them at the same moment, then every report is counted and the session is hidden', async () => {
    const target = await upcoming(app, host);
    const results = await Promise.all(established.slice(0, 3).map((who) => report(who, target)));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(await visible(target)).toBe(false);
    const counted = (await app.store.readStream(`content-session-${target}`)).map((e) => e.type);
    expect(counted).toEqual(['ReportCounted', 'ReportCounted', 'ReportCounted', 'ContentHidden']);
  });

  it('given a system flag (weight 1) on a session, then two established members are enough', async () => {
    const created = await call(app, host, 'POST', '/api/sessions', {
      title: 'Jackpot tips',
      skill: 'Games',
      difficulty: 'beginner',
      startsAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
      durationMinutes: 60,
      capacity: 5,
      meetingUrl: 'https://meet.example.com/games',
    });
    const target = created.json().session.id;
    await eventually(async () => {
      const queue = await call(app, mod, 'GET', '/api/moderation/reports?limit=100');
      const flag = (queue.json().items as ReportView[]).find((i) => i.target.id === target);
      expect(flag).toMatchObject({ source: 'system', weight: 1 });
    });
    await report(established[0]!, target);
    expect(await visible(target)).toBe(true);
    await report(established[1]!, target);
    expect(await visible(target)).toBe(false);
  });
});
