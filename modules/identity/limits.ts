// The limits of an account's and a profile's fields, as the request schemas (schemas.ts) and the avatar upload
// enforce them. A leaf file of constants (the dependency rules keep it one): the sign-up and profile forms in the
// browser import it to check what a member typed the same way.

export const IDENTITY_LIMITS = {
  emailMax: 254,
  passwordMin: 10,
  passwordMax: 200,
  nameMax: 60,
  bioMax: 2000,
  /** Skills to teach, and skills to learn: how many in each list, and how long each. */
  skillsMax: 30,
  skillMax: 50,
  avatarBytes: 2 * 1024 * 1024,
} as const;
