// Forgotten passwords through the API: the emailed link (here the log transport's line), its single use, its hour,
// the throttles, and that the answer is the same whether or not the address has an account.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../infra/platform.ts';
import { createTestDatabase, testConfig } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { cookieOf, signUpAs } from '../testing.ts';

const lines: { mail?: { to: string; subject: string }; msg?: string }[] = [];
let app: Platform;

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const config = testConfig(await createTestDatabase(), {
    signupLimitPerIp: 1000,
    publicOrigin: 'https://skillswap.example',
  });
  app = await startPlatform(config, logger, skillswap);
});
afterAll(() => app?.stop());

const ask = (email: string, ip = '10.0.0.1') =>
  app.http.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email }, remoteAddress: ip });
const confirm = (token: string, newPassword: string) =>
  app.http.inject({
    method: 'POST',
    url: '/api/auth/password-reset/confirm',
    payload: { token, newPassword },
  });
const login = (email: string, password: string) =>
  app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });

/** The tokens of the reset emails sent to `email` so far, waiting a little for the one just asked for. */
async function tokensFor(email: string, atLeast = 1): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = lines
      .filter((l) => l.mail?.to === email && l.mail.subject === 'Reset your SkillSwap password')
      .map((l) => /https:\/\/skillswap\.example\/reset-password#token=([\w-]+)/.exec(l.msg ?? '')?.[1] ?? '');
    if (found.length >= atLeast || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('asking for a reset link', () => {
  it('answers 202 and emails a link to the site (PUBLIC_ORIGIN, not the Host header) that resets once', async () => {
    const { user, cookie } = await signUpAs(app, { email: 'reset-ada@example.com' });
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      headers: { host: 'evil.example' },
      payload: { email: 'Reset-Ada@Example.com' },
    });
    expect(res.statusCode).toBe(202);
    const [token] = await tokensFor(user.email);
    expect(token).toMatch(/^[\w-]{40,}$/);
    expect(lines.some((l) => l.msg?.includes('evil.example'))).toBe(false);

    const done = await confirm(token!, 'a brand new passphrase here');
    expect(done.statusCode).toBe(200);
    expect(done.json().user).toMatchObject({ id: user.id, email: user.email });
    // Signed in by the answer's cookie; the session from before has ended; the new password works, the old not.
    const me = await app.http.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookieOf(done) } });
    expect(me.statusCode).toBe(200);
    const before = await app.http.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(before.statusCode).toBe(401);
    expect((await login(user.email, 'a brand new passphrase here')).statusCode).toBe(200);
    expect((await login(user.email, 'a perfectly good password')).statusCode).toBe(401);

    const again = await confirm(token!, 'yet another fine passphrase');
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'token' }] });
  });

  it('answers an unknown address exactly as a known one, and emails nobody', async () => {
    const before = lines.length;
    const known = await signUpAs(app, { email: 'reset-known@example.com' });
    const [unknown, member] = [await ask('nobody-here@example.com'), await ask(known.user.email)];
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(member.body);
    await tokensFor(known.user.email);
    await new Promise((r) => setTimeout(r, 200));
    expect(
      lines
        .slice(before)
        .filter((l) => l.mail)
        .map((l) => l.mail?.to),
    ).toEqual([known.user.email]);
  });

  it('refuses a link older than an hour, and keeps it when the new password is too weak', async () => {
    const { user } = await signUpAs(app, { email: 'reset-ben@example.com' });
    await ask(user.email);
    const [token] = await tokensFor(user.email);
    const weak = await confirm(token!, 'password12');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details[0].path).toBe('newPassword');
    await app.pool.query(`UPDATE password_resets SET expires_at = now() - interval '1 second'`);
    const late = await confirm(token!, 'a brand new passphrase here');
    expect(late.statusCode).toBe(400);
    expect(late.json().error.details[0].path).toBe('token');
    expect((await login(user.email, 'a perfectly good password')).statusCode).toBe(200);
  });

  it('keeps only the hash of a token, and a password change spends the links asked for before', async () => {
    const { user, cookie, password } = await signUpAs(app, { email: 'reset-cy@example.com' });
    await ask(user.email, '10.0.0.3');
    const [token] = await tokensFor(user.email);
    const { rows } = await app.pool.query('SELECT token_hash FROM password_resets');
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    const changed = await app.http.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { cookie },
      payload: { currentPassword: password, newPassword: 'another fine passphrase' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await confirm(token!, 'a brand new passphrase here')).statusCode).toBe(400);
  });

  it('lets one of two racing uses of a token through', async () => {
    const { user } = await signUpAs(app, { email: 'reset-dee@example.com' });
    await ask(user.email, '10.0.0.4');
    const [token] = await tokensFor(user.email);
    const both = await Promise.all([
      confirm(token!, 'first racing passphrase'),
      confirm(token!, 'second racing passphrase'),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 400]);
  });

  it('throttles per address (3 an hour) and per network (20 an hour) with 429, known address or not', async () => {
    const asks = [];
    for (let i = 0; i < 4; i++) asks.push((await ask('throttled@example.com', '10.0.1.1')).statusCode);
    expect(asks).toEqual([202, 202, 202, 429]);
    const network = [];
    for (let i = 0; i < 21; i++) network.push((await ask(`n${i}@example.com`, '10.0.2.2')).statusCode);
    expect(network.slice(0, 20).every((s) => s === 202)).toBe(true);
    expect(network[20]).toBe(429);
  });

  it('answers 400 on a malformed address or a control character in the token', async () => {
    expect((await ask('not an email')).json().error.details[0].path).toBe('email');
    const bad = await confirm('abc\u0000def', 'a brand new passphrase here');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('token');
  });
});
