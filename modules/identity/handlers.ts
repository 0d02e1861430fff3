import { randomUUID } from 'node:crypto';
import type { PoolClient } from '../../infra/db/index.ts';
import type { CommandContext } from '../../infra/deps.ts';
import {
  CommandRejected,
  ConcurrencyError,
  type EventMetadata,
  type EventStore,
  loadState,
  readStreamOf,
  runCommand,
  shredPersonalData,
} from '../../infra/event-store/index.ts';
import { decide, type IdentityCommand } from './decide.ts';
import { claimStreamOf, emailHashIn, normalizeEmail } from './email.ts';
import { type GRANTABLE_ROLES, type IdentityEvent, memberStream } from './events.ts';
import { evolve, initialMember, type Member, type MemberEvent, type Profile } from './member.ts';
import { passwordWeakness, personalWords } from './password-strength.ts';
import { dummyPasswordHash, hashPassword, passwordMatches } from './passwords.ts';
import { normalizeSkills } from './skills.ts';

export { normalizeEmail };
/** The claim on an address is keyed by a keyed hash: the address itself is personal data and stays out of stream ids. */
export const emailStream = async (store: Pick<EventStore, 'keyedHash'>, email: string, client?: PoolClient) =>
  claimStreamOf(await emailHashIn(store, email, client));

const memberDecider = { initialState: initialMember, evolve, decide };

export type ActiveMember = Extract<Member, { status: 'active' }>;

/**
 * Whether `password` is the member's current one, as the edge checks it: counted against the member's budget of
 * password checks (password-attempts.ts), 429 once it is spent.
 */
export type CurrentPasswordCheck = (member: ActiveMember, password: string) => Promise<boolean>;

export async function loadMember(ctx: Pick<CommandContext, 'store'>, memberId: string): Promise<Member> {
  return (await loadState<Member, MemberEvent>(ctx.store, memberStream(memberId), memberDecider)).state;
}

/** The member holding an address now: the latest claim, unless a deleted account released it since. */
export async function memberIdForEmail(
  ctx: Pick<CommandContext, 'store'>,
  email: string,
): Promise<string | null> {
  const last = (await readStreamOf<IdentityEvent>(ctx.store, await emailStream(ctx.store, email))).at(-1);
  return last?.type === 'EmailClaimed' ? last.data.memberId : null;
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
  ctx: CommandContext,
  input: { email: string; password: string; displayName: string; timezone: string },
  /** Gathered by the edge: the address is on the list of accounts suspended for spam (blocked_signups). */
  facts: { emailBlocked: boolean },
  metadata: EventMetadata,
): Promise<ActiveMember> {
  if (facts.emailBlocked) {
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
  const written = await ctx.store.transaction(async (client) => {
    try {
      // Expected version 0 on the email's stream: of racing sign-ups for one address, exactly one commits.
      // A released address (its account was deleted) can be claimed again, at the stream's current version.
      const claimStream = await emailStream(ctx.store, data.email, client);
      const claims = await ctx.store.readStream(claimStream, client);
      const last = claims[claims.length - 1];
      const expected = last?.type === 'EmailReleased' ? last.streamVersion : 0;
      await ctx.store.append(claimStream, expected, [{ type: 'EmailClaimed', data: { memberId } }], {
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
      ctx.store,
      memberStream(memberId),
      memberDecider,
      { type: 'SignUp', data },
      metadata,
      client,
    );
  });
  await ctx.waitForReadModels(written.appended!);
  return written.state as ActiveMember;
}

/** The member behind an email and password, or null; the caller answers the same 401 for both failures. */
export async function checkCredentials(
  ctx: Pick<CommandContext, 'store'>,
  email: string,
  password: string,
): Promise<ActiveMember | null> {
  const memberId = await memberIdForEmail(ctx, email);
  const member = memberId ? await loadMember(ctx, memberId) : null;
  if (member?.status !== 'active') {
    await passwordMatches(await dummyPasswordHash(), password);
    return null;
  }
  return (await passwordMatches(member.passwordHash, password)) ? member : null;
}

async function execute(
  ctx: Pick<CommandContext, 'store' | 'waitForReadModels'>,
  memberId: string,
  command: IdentityCommand,
  metadata: EventMetadata,
) {
  const result = await runCommand(ctx.store, memberStream(memberId), memberDecider, command, metadata);
  if (result.appended) await ctx.waitForReadModels(result.appended);
  return result.state as ActiveMember;
}

export async function changePassword(
  ctx: CommandContext,
  memberId: string,
  input: { currentPassword: string; newPassword: string },
  isCurrentPassword: CurrentPasswordCheck,
  metadata: EventMetadata,
) {
  const member = await loadMember(ctx, memberId);
  if (member.status === 'active') {
    requireStrongPassword('newPassword', input.newPassword, member.email, member.profile.displayName);
  }
  const oldPasswordMatches =
    member.status === 'active' && (await isCurrentPassword(member, input.currentPassword));
  return execute(
    ctx,
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
  ctx: CommandContext,
  memberId: string,
  changes: Partial<Profile>,
  /** Gathered by the edge (skillSpellings): how the catalogue spells the skills named, by skillKey. */
  facts: { spellings: ReadonlyMap<string, string> },
  metadata: EventMetadata,
) {
  const tidy: Partial<Profile> = { ...changes };
  if (changes.skillsToTeach) tidy.skillsToTeach = normalizeSkills(changes.skillsToTeach, facts.spellings);
  if (changes.skillsToLearn) tidy.skillsToLearn = normalizeSkills(changes.skillsToLearn, facts.spellings);
  if (tidy.displayName !== undefined) tidy.displayName = tidy.displayName.trim();
  return execute(ctx, memberId, { type: 'UpdateProfile', data: { changes: tidy } }, metadata);
}

export async function changeRole(
  ctx: Pick<CommandContext, 'store' | 'waitForReadModels'>,
  email: string,
  role: (typeof GRANTABLE_ROLES)[number],
  grant: boolean,
  metadata: EventMetadata,
) {
  const memberId = await memberIdForEmail(ctx, email);
  if (!memberId)
    throw new CommandRejected({ reason: 'not_found', message: `No member has the email ${email}.` });
  return execute(ctx, memberId, { type: grant ? 'GrantRole' : 'RevokeRole', data: { role } }, metadata);
}

/**
 * Deletes an account: the member's personal data in every event is erased by destroying their key
 * (crypto-shredding), the email address is released, and every sign-in session ends. What they did stays in the
 * history (sessions hosted, ratings as numbers) under "Deleted member".
 */
export async function deleteAccount(
  ctx: CommandContext,
  memberId: string,
  password: string,
  isCurrentPassword: CurrentPasswordCheck,
  metadata: EventMetadata,
) {
  const member = await loadMember(ctx, memberId);
  const matches = member.status === 'active' && (await isCurrentPassword(member, password));
  const written = await ctx.store.transaction(async (client) => {
    const result = await runCommand(
      ctx.store,
      memberStream(memberId),
      memberDecider,
      { type: 'DeleteAccount', data: { passwordMatches: matches } },
      metadata,
      client,
    );
    if (member.status === 'active') {
      const claimStream = await emailStream(ctx.store, member.email, client);
      const claims = await ctx.store.readStream(claimStream, client);
      await ctx.store.append(claimStream, claims.length, [{ type: 'EmailReleased', data: { memberId } }], {
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
  if (written.appended) await ctx.waitForReadModels(written.appended);
}
