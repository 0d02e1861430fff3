// Passwords too easy to guess are refused where a password is chosen: sign-up and password change.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';

let app: Platform;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
});

const signUp = (email: string, password: string, displayName = 'Sam') =>
  app.http.inject({ method: 'POST', url: '/api/auth/signup', payload: { email, password, displayName } });

describe('choosing a password', () => {
  it.each([
    ['password12', 'This is a commonly used password.'],
    ['1234567890', 'This is a frequently used password.'],
    ['aaaaaaaaaa', 'Repeated characters like "aaa" are easy to guess.'],
    ['          ', 'Repeated characters like "aaa" are easy to guess.'],
  ])(
    'sign-up with %j is 400 on the password, with the reason, and creates no account',
    async (password, why) => {
      const email = `weak-${Math.random().toString(36).slice(2)}@example.com`;
      const res = await signUp(email, password);
      expect(res.statusCode).toBe(400);
      const { error } = res.json();
      expect(error.code).toBe('validation_failed');
      expect(error.details).toEqual([{ path: 'password', message: expect.stringContaining(why) }]);
      expect(error.details[0].message).toMatch(/^is too easy to guess\./);
      // Nothing was created: the address is still free.
      expect((await signUp(email, 'a perfectly good password')).statusCode).toBe(201);
    },
  );

  it('counts the member’s name and email: "anna2026anna" is weak for Anna, "kwame2026kwame" fine for Sam only', async () => {
    const anna = await signUp('anna@example.com', 'anna2026anna', 'Anna');
    expect(anna.statusCode).toBe(400);
    expect(anna.json().error.details[0].message).toContain('It contains your name, your email address');
    expect((await signUp('kwame.mensah@example.com', 'kwame2026kwame', 'Kwame Mensah')).statusCode).toBe(400);
    expect((await signUp('sam.o@example.com', 'kwame2026kwame', 'Sam')).statusCode).toBe(201);
  });

  it('a password change to a weak one is 400 on newPassword, and the old password stays', async () => {
    const { cookie } = await signUpAs(app, {
      email: 'lucia.fernandez@example.com',
      displayName: 'Lucía Fernández',
      password: 'the old passphrase',
    });
    const change = (newPassword: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/me/password',
        headers: { cookie },
        payload: { currentPassword: 'the old passphrase', newPassword },
      });
    for (const weak of ['password12', 'lucia2026lucia', 'fernandez1990']) {
      const res = await change(weak);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details).toEqual([
        { path: 'newPassword', message: expect.stringMatching(/^is too easy to guess\./) },
      ]);
    }
    const login = (password: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'lucia.fernandez@example.com', password },
      });
    expect((await login('the old passphrase')).statusCode).toBe(200);
    expect((await change('a brand new passphrase')).statusCode).toBe(204);
    expect((await login('a brand new passphrase')).statusCode).toBe(200);
  });

  it('describes the rule in the OpenAPI document', async () => {
    const doc = (await app.http.inject({ url: '/api/openapi.json' })).json();
    const signup = doc.paths['/api/auth/signup'].post;
    const schema = signup.requestBody.content['application/json'].schema;
    expect(schema.properties.password.description).toContain('10^10 guesses');
    const change = doc.paths['/api/me/password'].post;
    expect(Object.keys(change.responses)).toEqual(expect.arrayContaining(['400', '429']));
    expect(Object.keys(doc.paths['/api/me'].delete.responses)).toContain('429');
  });
});
