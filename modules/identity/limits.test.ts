// The limits the sign-up and profile forms check in the browser are the ones the API enforces: at each limit a
// body is accepted, one past it is refused on that field (a limit changed in the schema alone fails here).
import { describe, expect, it } from 'vitest';
import { IDENTITY_LIMITS as L } from './limits.ts';
import { profilePatch, signupBody } from './schemas.ts';

const email = (length: number) => `${'a'.repeat(length - '@example.com'.length)}@example.com`;
const refusedAt = (schema: typeof signupBody | typeof profilePatch, body: Record<string, unknown>) => {
  const parsed = schema.safeParse(body);
  return parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => i.path.join('.')))];
};
const signup = (overrides: Record<string, unknown>) =>
  refusedAt(signupBody, {
    email: 'ann@example.com',
    password: 'x'.repeat(20),
    displayName: 'Ann',
    ...overrides,
  });

describe('identity limits: what the forms check is what the API takes', () => {
  it.each([
    ['email', { email: email(L.emailMax) }, { email: email(L.emailMax + 1) }],
    ['password', { password: 'x'.repeat(L.passwordMin) }, { password: 'x'.repeat(L.passwordMin - 1) }],
    ['password', { password: 'x'.repeat(L.passwordMax) }, { password: 'x'.repeat(L.passwordMax + 1) }],
    ['displayName', { displayName: 'a'.repeat(L.nameMax) }, { displayName: 'a'.repeat(L.nameMax + 1) }],
  ])('sign-up %s: accepted at the limit, refused past it', (field, atLimit, pastLimit) => {
    expect(signup(atLimit)).toEqual([]);
    expect(signup(pastLimit)).toEqual([field]);
  });

  it.each([
    ['bio', { bio: 'a'.repeat(L.bioMax) }, { bio: 'a'.repeat(L.bioMax + 1) }],
    [
      'skillsToTeach',
      { skillsToTeach: Array.from({ length: L.skillsMax }, (_, i) => `Skill ${i}`) },
      { skillsToTeach: Array.from({ length: L.skillsMax + 1 }, (_, i) => `Skill ${i}`) },
    ],
    [
      'skillsToLearn.0',
      { skillsToLearn: ['a'.repeat(L.skillMax)] },
      { skillsToLearn: ['a'.repeat(L.skillMax + 1)] },
    ],
  ])('profile %s: accepted at the limit, refused past it', (field, atLimit, pastLimit) => {
    expect(refusedAt(profilePatch, atLimit)).toEqual([]);
    expect(refusedAt(profilePatch, pastLimit)).toEqual([field]);
  });
});
