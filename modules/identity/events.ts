import { z } from 'zod';
import { defineEvent, type EventDataOf, type EventsOf } from '../../infra/event-store/index.ts';

// A member's stream is `member-<id>`; the claim on an email address is the stream `email-hmac-<HMAC(email)>`
// (modules/identity/email.ts), whose first event makes the address unique even when sign-ups race, and whose
// EmailReleased frees it again when the account is deleted.

/** A member's own stream: their account and profile, from sign-up on. */
export const memberStream = (memberId: string) => `member-${memberId}`;

export const ROLES = ['member', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const GRANTABLE_ROLES = ['moderator', 'admin'] as const;

const skills = z.array(z.string());

/** What a deleted member's personal fields read as, once their key is destroyed (crypto-shredding). */
export const DELETED_NAME = 'Deleted member';

export const MemberSignedUp = defineEvent(
  'MemberSignedUp',
  1,
  z.object({
    memberId: z.string(),
    email: z.string(),
    displayName: z.string(),
    passwordHash: z.string(),
    timezone: z.string(),
  }),
  {},
  { personal: { subject: 'memberId', fields: { email: '', displayName: DELETED_NAME, passwordHash: '' } } },
);

export const EmailClaimed = defineEvent('EmailClaimed', 1, z.object({ memberId: z.string() }));
/** The address is free again: its account was deleted. */
export const EmailReleased = defineEvent('EmailReleased', 1, z.object({ memberId: z.string() }));

/** The member deleted their account: their personal data is erased, their history stays (as a deleted member). */
export const MemberDeleted = defineEvent('MemberDeleted', 1, z.object({ memberId: z.string() }));

export const PasswordChanged = defineEvent(
  'PasswordChanged',
  1,
  z.object({ memberId: z.string(), passwordHash: z.string() }),
);

/** Carries only the fields that changed, each with its new value. */
export const ProfileUpdated = defineEvent(
  'ProfileUpdated',
  1,
  z.object({
    memberId: z.string(),
    displayName: z.string().optional(),
    bio: z.string().optional(),
    avatarUrl: z.string().nullable().optional(),
    skillsToTeach: skills.optional(),
    skillsToLearn: skills.optional(),
    timezone: z.string().optional(),
  }),
  {},
  { personal: { subject: 'memberId', fields: { displayName: DELETED_NAME, bio: '', avatarUrl: null } } },
);

export const RoleGranted = defineEvent(
  'RoleGranted',
  1,
  z.object({ memberId: z.string(), role: z.enum(GRANTABLE_ROLES) }),
);
export const RoleRevoked = defineEvent(
  'RoleRevoked',
  1,
  z.object({ memberId: z.string(), role: z.enum(GRANTABLE_ROLES) }),
);

export const identityEvents = [
  MemberSignedUp,
  EmailClaimed,
  EmailReleased,
  PasswordChanged,
  ProfileUpdated,
  RoleGranted,
  RoleRevoked,
  MemberDeleted,
];

/** Every event the identity module publishes. */
export type IdentityEvent = EventsOf<typeof identityEvents>;
export type IdentityEventData = EventDataOf<IdentityEvent>;

/** A skill as typed: trimmed, inner white space collapsed. */
export function tidySkill(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ');
}

/** The case-insensitive identity of a skill: "TypeScript", " typescript " and "TYPESCRIPT" are one skill. */
export function skillKey(raw: string): string {
  return tidySkill(raw).toLowerCase();
}
