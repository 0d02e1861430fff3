import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { cookieOf, signUpAs } from '../testing.ts';
import { emailStream } from './handlers.ts';

let app: Platform;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000, loginFailureLimit: 3 } });
});

describe('sign-up', () => {
  it('creates an account, signs in with a session cookie, and GET /api/me returns the member', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'Ada@Example.com ', password: 'correct horse battery', displayName: 'Ada Lovelace' },
    });
    expect(res.statusCode).toBe(201);
    const user = res.json().user;
    expect(user).toMatchObject({ email: 'ada@example.com', displayName: 'Ada Lovelace', roles: ['member'] });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/skillswap_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/);

    const me = await app.http.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookieOf(res) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(user.id);
  });

  it('marks the cookie Secure behind https', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { email: 'secure@example.com', password: 'correct horse battery', displayName: 'Sec' },
    });
    // TRUST_PROXY is off in tests, so the forwarded header is ignored: plain http, no Secure flag.
    expect(String(res.headers['set-cookie'])).not.toMatch(/Secure/);
  });

  it('answers 400 with each bad field and creates nothing', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'not-an-email', password: 'short', displayName: '' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    const paths = body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['displayName', 'email', 'password']);
    expect(body.error.details.find((d: { path: string }) => d.path === 'password').message).toMatch(
      /10 characters/,
    );
    // Emails are stored encrypted (crypto-shredding): look for the address's claim stream instead.
    expect(await app.store.readStream(await emailStream(app.store, 'not-an-email'))).toEqual([]);
  });

  it('refuses a second account for the same email in any letter case (409)', async () => {
    await signUpAs(app, { email: 'grace@example.com' });
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'GRACE@example.COM', password: 'another good password', displayName: 'Imposter' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('conflict');
  });

  it('lets exactly one of 20 racing sign-ups with one email through', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.http.inject({
          method: 'POST',
          url: '/api/auth/signup',
          payload: {
            email: i % 2 ? 'race@example.com' : 'RACE@example.com',
            password: 'racing password 1',
            displayName: `R${i}`,
          },
        }),
      ),
    );
    const statuses = attempts.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    // One claim of the address, and one account: the winner's.
    const claims = await app.store.readStream(await emailStream(app.store, 'race@example.com'));
    expect(claims.map((e) => e.type)).toEqual(['EmailClaimed']);
    const winner = (claims[0]!.data as { memberId: string }).memberId;
    const accounts = await app.pool.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'MemberSignedUp' AND stream_id = $1`,
      [`member-${winner}`],
    );
    expect(accounts.rows[0].n).toBe(1);
    const { rows } = await app.pool.query(
      `SELECT count(*)::int AS n FROM events e WHERE type = 'MemberSignedUp'
         AND NOT EXISTS (SELECT 1 FROM events c WHERE c.type = 'EmailClaimed' AND c.data->>'memberId' = e.data->>'memberId')`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('applies SIGNUP_LIMIT_PER_IP per hour (429)', async () => {
    const limited = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 2 } });
    const signup = (n: number) =>
      limited.http.inject({
        method: 'POST',
        url: '/api/auth/signup',
        payload: { email: `ip${n}@example.com`, password: 'correct horse battery', displayName: 'Limit' },
      });
    expect((await signup(1)).statusCode).toBe(201);
    expect((await signup(2)).statusCode).toBe(201);
    const third = await signup(3);
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe('rate_limited');
  });
});

describe('login and logout', () => {
  it('signs in with the right password, case-insensitive email', async () => {
    await signUpAs(app, { email: 'linus@example.com', password: 'penguins are great' });
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'LINUS@example.com', password: 'penguins are great' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe('linus@example.com');
    expect(cookieOf(res)).toMatch(/skillswap_session=/);
  });

  it('gives the same 401 for an unknown email and a wrong password', async () => {
    await signUpAs(app, { email: 'known@example.com', password: 'the right password' });
    const wrong = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'known@example.com', password: 'the wrong password' },
    });
    const unknown = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.com', password: 'the wrong password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('unauthenticated');
  });

  it('answers 429 after LOGIN_FAILURE_LIMIT failures for an email, even with the right password', async () => {
    await signUpAs(app, { email: 'target@example.com', password: 'the real password' });
    const attempt = (password: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'target@example.com', password },
      });
    for (let i = 0; i < 3; i++) expect((await attempt('guess number one')).statusCode).toBe(401);
    const blocked = await attempt('the real password');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
  });

  it('logout revokes the session: the old cookie no longer works', async () => {
    const { cookie } = await signUpAs(app, { email: 'bye@example.com' });
    const out = await app.http.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/skillswap_session=;/);
    const me = await app.http.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
  });

  it('answers 401 to GET /api/me and logout when signed out', async () => {
    expect((await app.http.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    expect((await app.http.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(401);
  });

  it('refuses a cross-site state-changing request with 403', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example' },
      payload: { email: 'known@example.com', password: 'the right password' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
  });
});

describe('change password', () => {
  it('needs the current password, then signs out other sessions and keeps this one', async () => {
    const { cookie } = await signUpAs(app, { email: 'pw@example.com', password: 'old password 123' });
    const other = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'pw@example.com', password: 'old password 123' },
    });
    const wrong = await app.http.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { cookie },
      payload: { currentPassword: 'not it at all', newPassword: 'new password 456' },
    });
    expect(wrong.statusCode).toBe(403);
    const tooShort = await app.http.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { cookie },
      payload: { currentPassword: 'old password 123', newPassword: 'short' },
    });
    expect(tooShort.statusCode).toBe(400);
    const ok = await app.http.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { cookie },
      payload: { currentPassword: 'old password 123', newPassword: 'new password 456' },
    });
    expect(ok.statusCode).toBe(204);
    const fresh = cookieOf(ok);
    expect(
      (await app.http.inject({ method: 'GET', url: '/api/me', headers: { cookie: fresh } })).statusCode,
    ).toBe(200);
    expect(
      (await app.http.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookieOf(other) } }))
        .statusCode,
    ).toBe(401);
    const login = (password: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'pw@example.com', password },
      });
    expect((await login('old password 123')).statusCode).toBe(401);
    expect((await login('new password 456')).statusCode).toBe(200);
  });
});
