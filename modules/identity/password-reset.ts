import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../infra/db/index.ts';
import type { CommandContext } from '../../infra/deps.ts';
import { CommandRejected, type EventMetadata, runCommand } from '../../infra/event-store/index.ts';
import { decide } from './decide.ts';
import { memberStream } from './events.ts';
import { loadMember, requireStrongPassword } from './handlers.ts';
import { evolve, initialMember } from './member.ts';
import { hashPassword } from './passwords.ts';

// A forgotten password: the emailed link carries a random token; the database keeps only its SHA-256 (a leaked
// table resets nobody's password). A token works once and for an hour, and setting a password with it spends
// every other token of the member and ends every sign-in, as a password change does.

export const RESET_VALID_MS = 3600_000;
/** Requests per address and per network an hour: enough to retry a lost email, too few to flood an inbox. */
export const RESET_LIMITS = { perEmail: 3, perIp: 20, windowMs: 3600_000 } as const;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new single-use token for the member, valid for RESET_VALID_MS from `now`. */
export async function issueResetToken(db: Queryable, memberId: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query('INSERT INTO password_resets (token_hash, member_id, expires_at) VALUES ($1, $2, $3)', [
    tokenHash(token),
    memberId,
    new Date(now.getTime() + RESET_VALID_MS),
  ]);
  return token;
}

/** The member an unspent, unexpired token belongs to, or null. Spends nothing. */
export async function resetTokenMember(db: Queryable, token: string, now: Date): Promise<string | null> {
  const { rows } = await db.query<{ member_id: string }>(
    'SELECT member_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2',
    [tokenHash(token), now],
  );
  return rows[0]?.member_id ?? null;
}

const spentOrExpired = () =>
  new CommandRejected({
    reason: 'validation_failed',
    message: 'token: this link was already used or has expired; ask for a new one',
    details: [{ path: 'token', message: 'was already used or has expired; ask for a new one' }],
  });

/**
 * Sets a new password with a reset token: 400 on `token` when it is unknown, spent or expired, 400 on
 * `newPassword` when it is too easy to guess (the token stays usable then). Of two racing uses of one token one
 * wins; the other is 400. Returns the member, whose every sign-in has ended.
 */
export async function resetPassword(
  ctx: CommandContext,
  input: { token: string; newPassword: string },
  metadata: EventMetadata,
): Promise<string> {
  const memberId = await ctx.store.transaction((client) => resetTokenMember(client, input.token, ctx.now()));
  if (!memberId) throw spentOrExpired();
  const member = await loadMember(ctx, memberId);
  if (member.status !== 'active') throw spentOrExpired();
  requireStrongPassword('newPassword', input.newPassword, member.email, member.profile.displayName);
  const newPasswordHash = await hashPassword(input.newPassword);
  const written = await ctx.store.transaction(async (client) => {
    const spent = await client.query(
      `UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
      [tokenHash(input.token), ctx.now()],
    );
    if (spent.rowCount !== 1) throw spentOrExpired();
    const result = await runCommand(
      ctx.store,
      memberStream(memberId),
      { initialState: initialMember, evolve, decide },
      { type: 'ResetPassword', data: { newPasswordHash } },
      metadata,
      client,
    );
    await client.query('UPDATE password_resets SET used_at = $2 WHERE member_id = $1 AND used_at IS NULL', [
      memberId,
      ctx.now(),
    ]);
    await client.query(
      'UPDATE auth_sessions SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL',
      [memberId],
    );
    return result;
  });
  if (written.appended) await ctx.waitForReadModels(written.appended);
  return memberId;
}

/** A member's outstanding tokens stop working (their password changed another way, or the account went). */
export async function spendResetTokens(db: Queryable, memberId: string): Promise<void> {
  await db.query('UPDATE password_resets SET used_at = now() WHERE member_id = $1 AND used_at IS NULL', [
    memberId,
  ]);
}
