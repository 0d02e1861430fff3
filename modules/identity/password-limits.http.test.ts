// Every check of a password is limited, however the guesses race: sign-in per email and per IP, and the current
// password on a password change or an account deletion per member (LOGIN_FAILURE_LIMIT, 10, per 15 minutes).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';

let app: Platform;
const LIMIT = 10;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000, loginFailureLimit: LIMIT } });
});

const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
  app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });

/** How many answers had each status code, e.g. {401: 10, 429: 50}. */
const tally = (codes: number[]) =>
  codes.reduce<Record<number, number>>((t, c) => {
    t[c] = (t[c] ?? 0) + 1;
    return t;
  }, {});

describe('signing in', () => {
  it('lets at most LOGIN_FAILURE_LIMIT of 60 concurrent wrong passwords for one email be checked: the rest are 429', async () => {
    await signUpAs(app, { email: 'burst@example.com', password: 'the real password' });
    // From 60 addresses at once: the per-email limit must hold without help from the per-IP one.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        login('burst@example.com', `guess number ${i}`, `10.0.0.${i + 1}`),
      ),
    );
    expect(tally(answers.map((a) => a.statusCode))).toEqual({ 401: LIMIT, 429: 60 - LIMIT });
    expect(answers.find((a) => a.statusCode === 429)!.json().error.code).toBe('rate_limited');
    // The right password is refused too until the window passes: nothing more is checked.
    expect((await login('burst@example.com', 'the real password', '10.0.1.1')).statusCode).toBe(429);
  });

  it('limits one address to five times that over many emails, concurrently', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(`nobody-${i}@example.com`, 'a wrong password', '10.9.9.9')),
    );
    expect(tally(answers.map((a) => a.statusCode))).toEqual({ 401: 5 * LIMIT, 429: 60 - 5 * LIMIT });
  });

  it('forgives the failures before a sign-in that succeeds', async () => {
    await signUpAs(app, { email: 'forgiven@example.com', password: 'the real password' });
    for (let i = 0; i < LIMIT - 1; i++) {
      expect((await login('forgiven@example.com', 'not it', '10.1.0.1')).statusCode).toBe(401);
    }
    expect((await login('forgiven@example.com', 'the real password', '10.1.0.1')).statusCode).toBe(200);
    for (let i = 0; i < LIMIT - 1; i++) {
      expect((await login('forgiven@example.com', 'not it', '10.1.0.1')).statusCode).toBe(401);
    }
    expect((await login('forgiven@example.com', 'the real password', '10.1.0.1')).statusCode).toBe(200);
  });
});

describe('checks of the current password', () => {
  const changePassword = (cookie: string, currentPassword: string) =>
    app.http.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { cookie },
      payload: { currentPassword, newPassword: 'an entirely new passphrase' },
    });
  const deleteAccount = (cookie: string, password: string) =>
    app.http.inject({ method: 'DELETE', url: '/api/me', headers: { cookie }, payload: { password } });

  it('POST /api/me/password: of 30 concurrent wrong current passwords LOGIN_FAILURE_LIMIT are checked, the rest 429', async () => {
    const { cookie } = await signUpAs(app, { email: 'hijacked@example.com', password: 'the real password' });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => changePassword(cookie, `guess number ${i}`)),
    );
    expect(tally(answers.map((a) => a.statusCode))).toEqual({ 403: LIMIT, 429: 30 - LIMIT });
    const blocked = answers.find((a) => a.statusCode === 429)!.json().error;
    expect(blocked).toMatchObject({
      code: 'rate_limited',
      message: 'Too many wrong passwords. Try again later.',
    });
    // The same budget guards deleting the account: even the right password is not checked now.
    expect((await deleteAccount(cookie, 'the real password')).statusCode).toBe(429);
    expect((await changePassword(cookie, 'the real password')).statusCode).toBe(429);
    expect((await app.http.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    // The budget is the member's own: signing in (another budget, per email) still works.
    expect((await login('hijacked@example.com', 'the real password', '10.2.0.1')).statusCode).toBe(200);
  });

  it('DELETE /api/me: of 30 concurrent wrong passwords LOGIN_FAILURE_LIMIT are checked, the rest 429', async () => {
    const { cookie } = await signUpAs(app, { email: 'keeper@example.com', password: 'the real password' });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => deleteAccount(cookie, `guess number ${i}`)),
    );
    expect(tally(answers.map((a) => a.statusCode))).toEqual({ 403: LIMIT, 429: 30 - LIMIT });
    expect((await deleteAccount(cookie, 'the real password')).statusCode).toBe(429);
    expect((await app.http.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
  });

  it('forgives the wrong ones before a right one', async () => {
    const { cookie } = await signUpAs(app, { email: 'typo@example.com', password: 'the real password' });
    for (let i = 0; i < LIMIT - 1; i++) expect((await changePassword(cookie, 'not it')).statusCode).toBe(403);
    const ok = await changePassword(cookie, 'the real password');
    expect(ok.statusCode).toBe(204);
    const fresh = String(ok.headers['set-cookie']).split(';')[0]!;
    for (let i = 0; i < LIMIT - 1; i++) expect((await changePassword(fresh, 'not it')).statusCode).toBe(403);
    expect((await changePassword(fresh, 'an entirely new passphrase')).statusCode).toBe(204);
  });
});
