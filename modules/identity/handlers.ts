import { randomUUID } from 'node:crypto';
import { type Queryable, withTransaction } from '../../infra/db/index.ts';
import {
  CommandRejected,
  ConcurrencyError,
  type EventMetadata,
  loadState,
  runCommand,
  shredPersonalData,
} from '../../infra/event-store/index.ts';
import type { Deps } from '../../infra/platform.ts';
import { canonicalSpellings } from '../../read-models/skill-catalogue/queries.ts';
import { decide, type IdentityCommand } from './decide.ts';
import { claimStreamOf, emailHash, normalizeEmail } from './email.ts';
import type { GRANTABLE_ROLES } from './events.ts';
import { evolve, initialMember, type Member, type MemberEvent, type Profile } from './member.ts';
import { currentPasswordMatches } from './password-attempts.ts';
import { passwordWeakness, personalWords } from './password-strength.ts';
import { dummyPasswordHash, hashPassword, passwordMatches } from './passwords.ts';
import { normalizeSkills } from './skills.ts';
import { isBlockedEmail } from './suspension.ts';

export { normalizeEmail };
export const memberStream = (memberId: string) => `member-${memberId}`;
/** The claim on an address is keyed by a keyed hash: the address itself is personal data and stays out of stream ids. */
export const emailStream = async (db: Queryable, email: string) => claimStreamOf(await emailHash(db, email));

const memberDecider = { initialState: initialMember, evolve, decide };

export type ActiveMember = Extract<Member, { status: 'active' }>;

export async function loadMember(deps: Pick<Deps, 'store'>, memberId: string): Promise<Member> {
  return (await loadState<Member, MemberEvent>(deps.store, memberStream(memberId), memberDecider)).state;
}

/** The member holding an address now: the latest claim, unless a deleted account released it since. */
export async function memberIdForEmail(
  deps: Pick<Deps, 'store' | 'pool'>,
  email: string,
): Promise<string | null> {
  const events = await deps.store.readStream(await emailStream(deps.pool, email));
  const last = events[events.length - 1];
  return last?.type === 'EmailClaimed' ? (last.data as { memberId: string }).memberId : null;
}

/** 400 on `field` when the password is too easy to guess for this member (password-strength.ts has the rule). */
export function requireStrongPassword(field: string, password: string, email: string, displayName: string) {
  const weakness = passwordWeakness(password, personalWords(email, displayName));
  if (weakness) {
    throw new CommandRejected({
      reason: 'validation_failed',
      message: `${field}: ${weakness}`,
      details: [{ path: field, message: weakness }],
    });
  }
}

export async function signUp(
  deps: Deps,
  input: { email: string; password: string; displayName: string; timezone: string },
  metadata: EventMetadata,
): Promise<ActiveMember> {
  if (await isBlockedEmail(deps.pool, input.email)) {
    throw new CommandRejected({ reason: 'forbidden', message: 'This email cannot be used to sign up.' });
  }
  requireStrongPassword('password', input.password, input.email, input.displayName);
  const memberId = randomUUID();
  const data = {
    memberId,
    email: normalizeEmail(input.email),
    displayName: input.displayName.trim(),
    passwordHash: await hashPassword(input.password),
    timezone: input.timezone,
  };
  const written = await withTransaction(deps.pool, async (client) => {
    try {
      // Expected version 0 on the email's stream: of racing sign-ups for one address, exactly one commits.
      // A released address (its account was deleted) can be claimed again, at the stream's current version.
      const claimStream = await emailStream(client, data.email);
      const claims = await deps.store.readStream(claimStream, client);
      const last = claims[claims.length - 1];
      const expected = last?.type === 'EmailReleased' ? last.streamVersion : 0;
      await deps.store.append(claimStream, expected, [{ type: 'EmailClaimed', data: { memberId } }], {
        metadata,
        client,
      });
    } catch (err) {
      if (err instanceof ConcurrencyError) {
        throw new CommandRejected({
          reason: 'conflict',
          message: 'An account with this email already exists.',
        });
      }
      throw err;
    }
    return runCommand(
      deps.store,
      memberStream(memberId),
      memberDecider,
      { type: 'SignUp', data },
      metadata,
      client,
    );
  });
  await deps.settle(written.appended!);
  return written.state as ActiveMember;
}

/** The member behind an email and password, or null; the caller answers the same 401 for both failures. */
export async function checkCredentials(
  deps: Deps,
  email: string,
  password: string,
): Promise<ActiveMember | null> {
  const memberId = await memberIdForEmail(deps, email);
  const member = memberId ? await loadMember(deps, memberId) : null;
  if (member?.status !== 'active') {
    await passwordMatches(await dummyPasswordHash(), password);
    return null;
  }
  return (await passwordMatches(member.passwordHash, password)) ? member : null;
}

async function execute(
  deps: Pick<Deps, 'store' | 'settle'>,
  memberId: string,
  command: IdentityCommand,
  metadata: EventMetadata,
) {
  const result = await runCommand(deps.store, memberStream(memberId), memberDecider, command, metadata);
  if (result.appended) await deps.settle(result.appended);
  return result.state as ActiveMember;
}

export async function changePassword(
  deps: Deps,
  memberId: string,
  input: { currentPassword: string; newPassword: string },
  metadata: EventMetadata,
) {
  const member = await loadMember(deps, memberId);
  if (member.status === 'active') {
    requireStrongPassword('newPassword', input.newPassword, member.email, member.profile.displayName);
  }
  const oldPasswordMatches =
    member.status === 'active' && (await currentPasswordMatches(deps, member, input.currentPassword));
  return execute(
    deps,
    memberId,
    {
      type: 'ChangePassword',
      // No hash for a refused change: the decision needs none, and a guesser should not get hashing done.
      data: {
        oldPasswordMatches,
        newPasswordHash: oldPasswordMatches ? await hashPassword(input.newPassword) : '',
      },
    },
    metadata,
  );
}

export async function updateProfile(
  deps: Deps,
  memberId: string,
  changes: Partial<Profile>,
  metadata: EventMetadata,
) {
  const tidy: Partial<Profile> = { ...changes };
  if (changes.skillsToTeach || changes.skillsToLearn) {
    const spellings = await canonicalSpellings(deps.pool, [
      ...(changes.skillsToTeach ?? []),
      ...(changes.skillsToLearn ?? []),
    ]);
    if (changes.skillsToTeach) tidy.skillsToTeach = normalizeSkills(changes.skillsToTeach, spellings);
    if (changes.skillsToLearn) tidy.skillsToLearn = normalizeSkills(changes.skillsToLearn, spellings);
  }
  if (tidy.displayName !== undefined) tidy.displayName = tidy.displayName.trim();
  return execute(deps, memberId, { type: 'UpdateProfile', data: { changes: tidy } }, metadata);
}

export async function changeRole(
  deps: Pick<Deps, 'store' | 'settle' | 'pool'>,
  email: string,
  role: (typeof GRANTABLE_ROLES)[number],
  grant: boolean,
  metadata: EventMetadata,
) {
  const memberId = await memberIdForEmail(deps, email);
  if (!memberId)
    throw new CommandRejected({ reason: 'not_found', message: `No member has the email ${email}.` });
  return execute(deps, memberId, { type: grant ? 'GrantRole' : 'RevokeRole', data: { role } }, metadata);
}

/**
 * Deletes an account: the member's personal data in every event is erased by destroying their key
 * (crypto-shredding), the email address is released, and every sign-in session ends. What they did stays in the
 * history (sessions hosted, ratings as numbers) under "Deleted member".
 */
export async function deleteAccount(deps: Deps, memberId: string, password: string, metadata: EventMetadata) {
  const member = await loadMember(deps, memberId);
  const matches = member.status === 'active' && (await currentPasswordMatches(deps, member, password));
  const written = await withTransaction(deps.pool, async (client) => {
    const result = await runCommand(
      deps.store,
      memberStream(memberId),
      memberDecider,
      { type: 'DeleteAccount', data: { passwordMatches: matches } },
      metadata,
      client,
    );
    if (member.status === 'active') {
      const claimStream = await emailStream(client, member.email);
      const claims = await deps.store.readStream(claimStream, client);
      await deps.store.append(claimStream, claims.length, [{ type: 'EmailReleased', data: { memberId } }], {
        metadata,
        client,
      });
    }
    await shredPersonalData(client, memberId);
    await client.query(
      'UPDATE auth_sessions SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL',
      [memberId],
    );
    return result;
  });
  if (written.appended) await deps.settle(written.appended);
}
