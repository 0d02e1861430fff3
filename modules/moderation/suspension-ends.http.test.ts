// Who may suspend whom (only an admin suspends a moderator or an admin; nobody suspends themselves), and
// suspensions with an end: `until` in the future only, told to the member who signs in, lifted by itself.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { AuditEntryView } from '../../read-models/audit-log/views.ts';
import { skillswap } from '../index.ts';
import { SUSPENSION_END_QUEUE } from './index.ts';
import { call, type Member, member, withRole } from './testing.ts';

let app: Platform;
let mod: Member, mod2: Member, admin: Member, admin2: Member;

const suspend = (who: Member, target: Member, body: Record<string, unknown> = {}) =>
  call(app, who, 'POST', `/api/moderation/users/${target.id}/suspend`, { reason: 'abuse', ...body });
const unsuspend = (who: Member, target: Member) =>
  call(app, who, 'POST', `/api/moderation/users/${target.id}/unsuspend`, { reason: 'appeal' });
const login = (m: Member, password = m.password) =>
  app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email: m.email, password } });
const suspensionEvents = async (m: Member) =>
  (await app.store.readStream(`suspension-${m.id}`)).map((e) => e.type);
const statusOf = async (m: Member) => {
  const res = await call(app, mod, 'GET', `/api/moderation/users/${m.id}/suspension`);
  expect(res.statusCode).toBe(200);
  return res.json();
};
const secondsAhead = (s: number) => new Date(Date.now() + s * 1000).toISOString();

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [mod, mod2, admin, admin2] = await Promise.all([
    withRole(app, 'moderator', 'Mo'),
    withRole(app, 'moderator', 'Mia'),
    withRole(app, 'admin', 'Ada'),
    withRole(app, 'admin', 'Abe'),
  ]);
});

describe('who may suspend whom', () => {
  it('given a moderator, when they suspend an admin or another moderator, then 403 and nothing is recorded', async () => {
    for (const target of [admin, mod2]) {
      const res = await suspend(mod, target);
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toEqual({
        code: 'forbidden',
        message: 'Only an admin can suspend or unsuspend a moderator or an admin.',
      });
      expect(await suspensionEvents(target)).toEqual([]);
    }
    // Still signed in, and able to sign in.
    expect((await call(app, admin, 'GET', '/api/me')).statusCode).toBe(200);
    expect((await login(mod2)).statusCode).toBe(200);
  });

  it('given a moderator, when they resolve a report about an admin with suspend, then 403 and the report stays open', async () => {
    const reporter = await member(app);
    const filed = await call(app, reporter, 'POST', '/api/reports', {
      targetType: 'user',
      targetId: admin2.id,
      reason: 'abusive admin',
    });
    const id = filed.json().report.id;
    const res = await call(app, mod, 'POST', `/api/moderation/reports/${id}/resolve`, {
      action: 'suspend',
      note: 'abuse',
    });
    expect(res.statusCode).toBe(403);
    expect((await call(app, mod, 'GET', `/api/moderation/reports/${id}`)).json().report.status).toBe('open');
    expect(await suspensionEvents(admin2)).toEqual([]);
  });

  it('given an admin, when they suspend a moderator, then 200; a moderator cannot lift it, an admin can', async () => {
    const target = await withRole(app, 'moderator', 'Max');
    expect((await suspend(admin, target)).statusCode).toBe(200);
    expect((await login(target)).statusCode).toBe(401);
    expect((await unsuspend(mod, target)).statusCode).toBe(403);
    expect((await unsuspend(admin, target)).statusCode).toBe(200);
    expect((await login(target)).statusCode).toBe(200);
  });

  it('given anyone, an admin included, when they suspend themselves, then 403', async () => {
    for (const who of [mod, admin]) {
      const res = await suspend(who, who);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toBe('You cannot suspend or unsuspend yourself.');
    }
  });
});

describe('a suspension with an end', () => {
  it('given until in the past or now, or not a date-time, then 400 naming until, and nothing is recorded', async () => {
    const target = await member(app);
    for (const until of ['2020-01-01T00:00:00Z', new Date().toISOString(), 'next week']) {
      const res = await suspend(mod, target, { until });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'until' }] });
    }
    expect(await suspensionEvents(target)).toEqual([]);
  });

  it('given a suspension until a time, then the member who signs in is told so and until when', async () => {
    const target = await member(app);
    const until = '2030-03-03T14:05:00+01:00';
    const res = await suspend(mod, target, { until });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ memberId: target.id, suspended: true, until: '2030-03-03T13:05:00.000Z' });
    const refused = await login(target);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toEqual({
      code: 'unauthenticated',
      message: 'Your account is suspended until 3 March 2030 at 13:05 UTC.',
      details: { suspendedUntil: '2030-03-03T13:05:00.000Z' },
    });
    expect((await login(target, 'not the password')).json().error.message).toBe(
      'The email or password is not correct.',
    );
    expect((await statusOf(target)).suspension).toMatchObject({
      suspended: true,
      until: '2030-03-03T13:05:00.000Z',
      reason: 'abuse',
      forSpam: false,
    });
  });

  it('given a suspended member who tries again and again with the right password, then never 429: it is no guessing', async () => {
    const target = await member(app);
    expect((await suspend(mod, target)).statusCode).toBe(200);
    const limit = app.config.loginFailureLimit;
    for (let i = 0; i <= limit; i++) {
      const res = await login(target);
      expect(res.statusCode, `attempt ${i + 1}`).toBe(401);
      expect(res.json().error.message).toBe(
        'Your account is suspended until a moderator lifts the suspension.',
      );
    }
  });

  it('given until two seconds ahead, then it is lifted by itself: the member signs in again, the log says so', async () => {
    const target = await member(app);
    expect((await suspend(mod, target, { until: secondsAhead(2) })).statusCode).toBe(200);
    expect((await login(target)).statusCode).toBe(401);
    const deadline = Date.now() + 15_000;
    let res = await login(target);
    while (res.statusCode !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      res = await login(target);
    }
    expect(res.statusCode).toBe(200);
    expect(await suspensionEvents(target)).toEqual(['MemberSuspended', 'MemberUnsuspended']);
    expect((await statusOf(target)).suspension).toMatchObject({ suspended: false, until: null });
    const log = await call(app, admin, 'GET', '/api/admin/audit-log?limit=20');
    const lifted = (log.json().items as AuditEntryView[]).find(
      (e) => e.target?.id === target.id && e.action === 'member.unsuspended',
    );
    expect(lifted).toMatchObject({ actor: null, note: 'The suspension ended.' });
  }, 20_000);

  it('given a suspension lifted by hand before its end, then its end changes nothing later', async () => {
    const target = await member(app);
    expect((await suspend(mod, target, { until: secondsAhead(1) })).statusCode).toBe(200);
    expect((await unsuspend(mod, target)).statusCode).toBe(200);
    expect((await suspend(mod, target, { reason: 'again, for good' })).statusCode).toBe(200);
    // Wait for the job at the old end to have run (pg-boss keeps it, completed).
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { rows } = await app.pool.query<{ state: string }>(
        `SELECT state FROM pgboss.job WHERE name = $1 AND data->>'memberId' = $2`,
        [SUSPENSION_END_QUEUE, target.id],
      );
      if (rows.length === 1 && rows[0]!.state === 'completed') break;
      if (Date.now() > deadline) throw new Error(`the end job did not run: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await login(target)).statusCode).toBe(401);
    expect(await suspensionEvents(target)).toEqual([
      'MemberSuspended',
      'MemberUnsuspended',
      'MemberSuspended',
    ]);
  }, 20_000);
});
