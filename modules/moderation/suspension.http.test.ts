// Suspending and unsuspending members over HTTP: who may, what it does at once (signed out, cannot sign in), what
// follows (hosted sessions cancelled, attendees told), and spam suspensions barring the email from signing up.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { AuditEntryView } from '../../read-models/audit-log/views.ts';
import type { NotificationView } from '../../read-models/notifications/views.ts';
import { skillswap } from '../index.ts';
import { cookieOf } from '../testing.ts';
import { call, eventually, type Member, member, upcoming, withRole } from './testing.ts';

let app: Platform;
let mod: Member, admin: Member, ann: Member;

const act = (
  who: Member | null,
  memberId: string,
  action: 'suspend' | 'unsuspend',
  body: unknown = { reason: 'abuse' },
) => call(app, who, 'POST', `/api/moderation/users/${memberId}/${action}`, body);
const login = (m: Member, email = m.email) =>
  app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: m.password } });
const signUpAgain = (email: string) =>
  app.http.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password: 'another good password', displayName: 'Again' },
  });

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [mod, admin, ann] = await Promise.all([
    withRole(app, 'moderator', 'Mo'),
    withRole(app, 'admin', 'Ada'),
    member(app, 'Ann'),
  ]);
});

describe('who may suspend', () => {
  it('given a member 403, nobody signed in 401; a moderator and an admin 200', async () => {
    const [a, b] = await Promise.all([member(app, 'A'), member(app, 'B')]);
    expect((await act(ann, a.id, 'suspend')).statusCode).toBe(403);
    expect((await act(null, a.id, 'suspend')).statusCode).toBe(401);
    const res = await act(mod, a.id, 'suspend');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ memberId: a.id, suspended: true, until: null });
    expect((await act(admin, b.id, 'suspend')).statusCode).toBe(200);
    expect((await act(ann, a.id, 'unsuspend')).statusCode).toBe(403);
    expect((await act(admin, a.id, 'unsuspend')).statusCode).toBe(200);
  });

  it('refuses: no reason 400, unknown member 404, twice 409, not suspended 409, oneself 403', async () => {
    const c = await member(app, 'C');
    expect((await act(mod, c.id, 'suspend', {})).statusCode).toBe(400);
    expect((await act(mod, c.id, 'suspend', { reason: '  ' })).statusCode).toBe(400);
    expect((await act(mod, 'no-such-member', 'suspend')).statusCode).toBe(404);
    expect((await act(mod, c.id, 'unsuspend')).statusCode).toBe(409);
    expect((await act(mod, c.id, 'suspend')).statusCode).toBe(200);
    const twice = await act(mod, c.id, 'suspend');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('conflict');
    expect((await act(mod, mod.id, 'suspend')).statusCode).toBe(403);
  });
});

describe('a suspended member', () => {
  let sam: Member, attendee: Member, hosted: string;

  beforeAll(async () => {
    [sam, attendee] = await Promise.all([member(app, 'Sam'), member(app, 'Tia')]);
    hosted = await upcoming(app, sam, [attendee]);
  });

  it('is signed out (GET /api/me 401) and cannot sign in: with the right password, 401 saying so', async () => {
    const other = await login(sam);
    expect(other.statusCode).toBe(200);
    expect((await act(mod, sam.id, 'suspend', { reason: 'harassment' })).statusCode).toBe(200);
    // At once, both sign-in sessions end: the one from sign-up and the later one.
    for (const cookie of [sam.cookie, cookieOf(other)]) {
      expect((await call(app, { cookie }, 'GET', '/api/me')).statusCode).toBe(401);
    }
    const refused = await login(sam);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toEqual({
      code: 'unauthenticated',
      message: 'Your account is suspended until a moderator lifts the suspension.',
      details: { suspendedUntil: null },
    });
    expect(refused.headers['set-cookie']).toBeUndefined();
    // A wrong password tells nothing of the suspension: the message anyone gets.
    const wrong = await login({ ...sam, password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toEqual({
      code: 'unauthenticated',
      message: 'The email or password is not correct.',
    });
  });

  it('has their upcoming hosted session cancelled, and its attendee gets a cancelled notification', async () => {
    await eventually(async () => {
      const res = await call(app, attendee, 'GET', `/api/sessions/${hosted}`);
      expect(res.json().session.status).toBe('cancelled');
    });
    await eventually(async () => {
      const inbox = await call(app, attendee, 'GET', '/api/me/notifications');
      const kinds = (inbox.json().items as NotificationView[]).filter((n) => n.sessionId === hosted);
      expect(kinds.map((n) => n.kind)).toContain('cancelled');
    });
  });

  it('whose session slipped through the suspension reads as signed out, gets 403 on writes, can log out', async () => {
    // A sign-in racing the suspension: its session outlives the revocation. Simulated by un-revoking them.
    await app.pool.query('UPDATE auth_sessions SET revoked_at = NULL WHERE member_id = $1', [sam.id]);
    expect((await call(app, sam, 'GET', '/api/me')).statusCode).toBe(401);
    const seen = await call(app, sam, 'GET', `/api/sessions/${hosted}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().session).toMatchObject({ viewerRegistration: null, meetingUrl: null });
    const write = await call(app, sam, 'PATCH', '/api/me/profile', { bio: 'still here' });
    expect(write.statusCode).toBe(403);
    expect(write.json().error).toMatchObject({ code: 'forbidden', message: 'Your account is suspended.' });
    expect(
      (
        await call(app, sam, 'POST', '/api/reports', {
          targetType: 'user',
          targetId: ann.id,
          reason: 'revenge',
        })
      ).statusCode,
    ).toBe(403);
    expect((await call(app, sam, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    const { rows } = await app.pool.query(
      'SELECT 1 FROM auth_sessions WHERE member_id = $1 AND revoked_at IS NULL',
      [sam.id],
    );
    expect(rows).toHaveLength(1); // the other one, still to be refused
  });

  it('can sign in again once unsuspended', async () => {
    expect((await act(mod, sam.id, 'unsuspend', { reason: 'appeal granted' })).statusCode).toBe(200);
    const res = await login(sam);
    expect(res.statusCode).toBe(200);
    expect((await call(app, { cookie: cookieOf(res) }, 'GET', '/api/me')).json().user.id).toBe(sam.id);
  });
});

describe('a spam suspension', () => {
  it('bars the email from signing up again (403, in any letter case) until unsuspended', async () => {
    const spammer = await member(app, 'Spammer', `spammer-${Date.now()}@example.com`);
    const plain = await member(app, 'Plain');
    expect((await act(mod, spammer.id, 'suspend', { reason: 'link spam', spam: true })).statusCode).toBe(200);
    expect((await act(mod, plain.id, 'suspend', { reason: 'rude' })).statusCode).toBe(200);
    await eventually(async () => {
      const res = await signUpAgain(spammer.email.toUpperCase());
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    });
    // Not for spam: the email is only taken, as any other (409).
    expect((await signUpAgain(plain.email)).statusCode).toBe(409);

    expect((await act(mod, spammer.id, 'unsuspend', { reason: 'mistake' })).statusCode).toBe(200);
    await eventually(async () => expect((await signUpAgain(spammer.email)).statusCode).toBe(409));
    expect((await login(spammer)).statusCode).toBe(200);
  });

  it('follows from resolving a report with suspend and spam: true, never from a note that says spam', async () => {
    const [reporter, spammer, rude] = await Promise.all([
      member(app, 'Rep'),
      member(app, 'Spam2'),
      member(app, 'Rude'),
    ]);
    const resolveWith = async (target: Member, body: Record<string, unknown>) => {
      const filed = await call(app, reporter, 'POST', '/api/reports', {
        targetType: 'user',
        targetId: target.id,
        reason: 'ads',
      });
      const res = await call(app, mod, 'POST', `/api/moderation/reports/${filed.json().report.id}/resolve`, {
        action: 'suspend',
        ...body,
      });
      expect(res.statusCode).toBe(200);
    };
    await resolveWith(rude, { note: 'Not spam, just rude: no spam here' });
    await resolveWith(spammer, { note: 'Ads everywhere', spam: true });
    expect((await login(spammer)).statusCode).toBe(401);
    await eventually(async () => expect((await signUpAgain(spammer.email)).statusCode).toBe(403));
    // The rude member's email is only taken (409), not barred (403), whatever the note says.
    expect((await signUpAgain(rude.email)).statusCode).toBe(409);
    const log = await call(app, admin, 'GET', '/api/admin/audit-log?limit=20');
    const actions = (log.json().items as AuditEntryView[]).filter((e) =>
      [rude.id, spammer.id].includes(e.target?.id ?? ''),
    );
    expect(actions.map((e) => [e.target?.id, e.action])).toEqual(
      expect.arrayContaining([
        [rude.id, 'member.suspended'],
        [spammer.id, 'member.suspended-for-spam'],
      ]),
    );
  });

  it('refuses spam or until with an action other than suspend (400 naming the field)', async () => {
    const [reporter, target] = await Promise.all([member(app), member(app)]);
    const filed = await call(app, reporter, 'POST', '/api/reports', {
      targetType: 'user',
      targetId: target.id,
      reason: 'ads',
    });
    const res = await call(app, mod, 'POST', `/api/moderation/reports/${filed.json().report.id}/resolve`, {
      action: 'dismiss',
      note: 'fine',
      spam: true,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'spam', message: 'only goes with the action suspend' },
    ]);
  });
});
