// PATCH /api/me/profile and GET /api/users/:id, through HTTP against a fresh database.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';

let app: Platform;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
});

const patchProfile = (cookie: string, payload: Record<string, unknown>) =>
  app.http.inject({ method: 'PATCH', url: '/api/me/profile', headers: { cookie }, payload });
const getUser = (id: string) => app.http.inject({ method: 'GET', url: `/api/users/${id}` });
type Problem = { path: string; message: string };
/**
 * `details` as {path: reason}. Zod reports unknown keys of a strict object as one issue at the body's own path ('')
 * naming the keys in its message; such a detail is filed under each key it names, so the tests pass both for that
 * and for a per-key path (the contract's "each bad field with its path").
 */
const problemsOf = (body: { error: { details: Problem[] } }) =>
  Object.fromEntries(
    body.error.details.flatMap((d) => {
      const keys = d.path === '' ? [...d.message.matchAll(/"(\w+)"/g)].map((m) => m[1]!) : [];
      return keys.length > 0 ? keys.map((k) => [k, d.message]) : [[d.path, d.message]];
    }),
  );

describe('GET /api/users/:id', () => {
  it('answers the public profile, exactly the fields of API.md, without the email', async () => {
    // Given a member who just signed up
    const before = Date.now();
    const { user } = await signUpAs(app, { displayName: 'Grace Hopper', timezone: 'America/New_York' });
    // When anyone (signed out) asks for the profile
    const res = await getUser(user.id);
    // Then it is the profile: API.md's fields and the per-skill figures
    expect(res.statusCode).toBe(200);
    const { profile } = res.json();
    expect(Object.keys(res.json())).toEqual(['profile']);
    expect(profile).toEqual({
      id: user.id,
      displayName: 'Grace Hopper',
      bio: '',
      avatarUrl: null,
      skillsToTeach: [],
      skillsToLearn: [],
      timezone: 'America/New_York',
      reputation: {
        averageRating: null,
        ratingCount: 0,
        sessionsHosted: 0,
        studentsTaught: 0,
        points: 0,
        reliability: null,
      },
      hours: { taught: 0, learned: 0, balance: 0 },
      badges: [],
      joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/),
      // Beyond API.md: sessions and rating per skill (none yet).
      skillStats: [],
    });
    expect(Date.parse(profile.joinedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(res.body).not.toContain(user.email);
    expect(res.body).not.toMatch(/email|roles|suspended|passwordHash/i);
  });

  it('answers 404 not_found for an unknown id', async () => {
    const res = await getUser('00000000-0000-4000-8000-000000000000');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

describe('PATCH /api/me/profile', () => {
  it('changes each field, and the next GET shows it (read-your-writes)', async () => {
    // Given a member
    const { user, cookie } = await signUpAs(app, { displayName: 'Before' });
    const changes = {
      displayName: 'After',
      bio: 'I teach maths.',
      avatarUrl: 'https://images.example.com/me.png',
      skillsToTeach: ['Calculus'],
      skillsToLearn: ['Cello'],
      timezone: 'Asia/Tokyo',
    };
    for (const [field, value] of Object.entries(changes)) {
      // When one field is patched
      const res = await patchProfile(cookie, { [field]: value });
      // Then the answer and an immediate GET both show it
      expect(res.statusCode, field).toBe(200);
      expect(res.json().profile[field]).toEqual(value);
      expect((await getUser(user.id)).json().profile[field]).toEqual(value);
    }
    expect((await getUser(user.id)).json().profile).toMatchObject(changes);
  });

  it('leaves the fields it was not given alone (partial update)', async () => {
    const { user, cookie } = await signUpAs(app, { displayName: 'Partial', timezone: 'Europe/Paris' });
    await patchProfile(cookie, { bio: 'first', skillsToTeach: ['Go'] });
    const res = await patchProfile(cookie, { skillsToLearn: ['Rust'] });
    expect(res.statusCode).toBe(200);
    expect((await getUser(user.id)).json().profile).toMatchObject({
      displayName: 'Partial',
      bio: 'first',
      skillsToTeach: ['Go'],
      skillsToLearn: ['Rust'],
      timezone: 'Europe/Paris',
    });
  });

  it('accepts an empty body and changes nothing', async () => {
    const { user, cookie } = await signUpAs(app, { displayName: 'Idle' });
    const res = await patchProfile(cookie, {});
    expect(res.statusCode).toBe(200);
    expect(res.json().profile).toEqual((await getUser(user.id)).json().profile);
  });

  it('clears the avatar with avatarUrl null', async () => {
    const { user, cookie } = await signUpAs(app);
    await patchProfile(cookie, { avatarUrl: 'https://images.example.com/a.png' });
    expect((await patchProfile(cookie, { avatarUrl: null })).statusCode).toBe(200);
    expect((await getUser(user.id)).json().profile.avatarUrl).toBeNull();
  });

  it('trims displayName, and accepts 60 characters and a 2000-character bio', async () => {
    const { user, cookie } = await signUpAs(app);
    const res = await patchProfile(cookie, { displayName: `  ${'n'.repeat(60)}  `, bio: 'b'.repeat(2000) });
    expect(res.statusCode).toBe(200);
    expect((await getUser(user.id)).json().profile).toMatchObject({
      displayName: 'n'.repeat(60),
      bio: 'b'.repeat(2000),
    });
  });

  it('stores markup verbatim: JSON needs no escaping, the page that shows it does', async () => {
    const { user, cookie } = await signUpAs(app);
    const bio = '<script>alert(1)</script> & "quotes" \u00e9';
    expect((await patchProfile(cookie, { bio })).statusCode).toBe(200);
    expect((await getUser(user.id)).json().profile.bio).toBe(bio);
  });

  it('answers 401 unauthenticated when signed out', async () => {
    const res = await app.http.inject({ method: 'PATCH', url: '/api/me/profile', payload: { bio: 'x' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });

  it('answers 400 listing every bad field with its path and reason, and changes nothing', async () => {
    // Given a member with a known profile
    const { user, cookie } = await signUpAs(app, { displayName: 'Valid' });
    await patchProfile(cookie, { bio: 'kept', skillsToTeach: ['Kept'] });
    const before = (await getUser(user.id)).json().profile;
    // When a patch breaks every rule at once (and carries one good field)
    const res = await patchProfile(cookie, {
      displayName: 'x'.repeat(61),
      bio: 'b'.repeat(2001),
      avatarUrl: 'http://images.example.com/a.png',
      skillsToTeach: Array.from({ length: 31 }, (_, i) => `Skill ${i}`),
      skillsToLearn: ['ok', '   '],
      timezone: 'Mars/Base',
      favouriteColour: 'blue',
    });
    // Then each bad field is named with its reason
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(problemsOf(body)).toEqual({
      displayName: expect.stringMatching(/at most 60/),
      bio: expect.stringMatching(/at most 2000/),
      avatarUrl: expect.stringMatching(/https/),
      skillsToTeach: expect.stringMatching(/at most 30/),
      'skillsToLearn.1': expect.stringMatching(/empty/),
      timezone: expect.stringMatching(/time zone/),
      favouriteColour: expect.stringMatching(/favouriteColour/),
    });
    // And nothing changed
    expect((await getUser(user.id)).json().profile).toEqual(before);
  });

  it.each([
    ['displayName empty', { displayName: '' }, 'displayName', /empty/],
    ['displayName blank', { displayName: '   ' }, 'displayName', /empty/],
    ['displayName too long', { displayName: 'x'.repeat(61) }, 'displayName', /at most 60/],
    ['bio too long', { bio: 'b'.repeat(2001) }, 'bio', /at most 2000/],
    ['avatarUrl http', { avatarUrl: 'http://example.com/a.png' }, 'avatarUrl', /https URL/],
    ['avatarUrl not a URL', { avatarUrl: 'not a url' }, 'avatarUrl', /https URL/],
    [
      'too many skills',
      { skillsToLearn: Array.from({ length: 31 }, (_, i) => `S${i}`) },
      'skillsToLearn',
      /at most 30/,
    ],
    ['empty skill', { skillsToTeach: [''] }, 'skillsToTeach.0', /empty/],
    ['unknown time zone', { timezone: 'Mars/Base' }, 'timezone', /IANA/],
    ['unknown field', { role: 'admin' }, 'role', /role/],
  ] as const)('refuses %s (400, path %s)', async (_case, payload, path, reason) => {
    const { user, cookie } = await signUpAs(app);
    const before = (await getUser(user.id)).json().profile;
    const res = await patchProfile(cookie, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(problemsOf(res.json())).toEqual({ [path]: expect.stringMatching(reason) });
    expect((await getUser(user.id)).json().profile).toEqual(before);
  });
});

describe('skills normalization', () => {
  it('trims, collapses white space and drops case-insensitive duplicates, first spelling winning', async () => {
    const { user, cookie } = await signUpAs(app);
    const res = await patchProfile(cookie, {
      skillsToTeach: ['  Machine    Learning ', 'machine learning', 'Rust', 'RUST'],
      skillsToLearn: ['Jazz Piano', ' jazz  piano'],
    });
    expect(res.statusCode).toBe(200);
    expect((await getUser(user.id)).json().profile).toMatchObject({
      skillsToTeach: ['Machine Learning', 'Rust'],
      skillsToLearn: ['Jazz Piano'],
    });
  });

  it("gives a second member the catalogue's spelling of a skill the first member wrote", async () => {
    // Given a member who teaches "TypeScript"
    const first = await signUpAs(app);
    await patchProfile(first.cookie, { skillsToTeach: ['TypeScript'] });
    // When another member types it in lower case, on either side
    const second = await signUpAs(app);
    const res = await patchProfile(second.cookie, {
      skillsToTeach: ['typescript'],
      skillsToLearn: [' TYPESCRIPT '],
    });
    // Then it is stored as "TypeScript"
    expect(res.json().profile).toMatchObject({
      skillsToTeach: ['TypeScript'],
      skillsToLearn: ['TypeScript'],
    });
    expect((await getUser(second.user.id)).json().profile.skillsToTeach).toEqual(['TypeScript']);
  });
});
