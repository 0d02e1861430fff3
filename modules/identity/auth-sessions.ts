import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../infra/db/index.ts';

// Server-side sessions: the cookie holds a random token; the database holds only its hash, so a leaked
// table does not sign anyone in. Revoking is deleting the row's validity (logout, password change, suspension).

export const SESSION_COOKIE = 'skillswap_session';
/** How long a sign-in lasts: the row's expiry, and the cookie's. */
export const SESSION_DAYS = 30;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function openSession(
  db: Queryable,
  memberId: string,
  /** Kept for the member's list of sign-ins; cleaned by the caller (infra/http storedHeader). */
  userAgent: string | null,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO auth_sessions (token_hash, member_id, expires_at, user_agent)
     VALUES ($1, $2, now() + make_interval(days => $3), $4)`,
    [tokenHash(token), memberId, SESSION_DAYS, userAgent],
  );
  return token;
}

/**
 * The member a session token signs in, with what every request of theirs needs (name, roles, suspension, time
 * zone), in one round trip: this runs before every signed-in request.
 */
export async function sessionAccount(db: Queryable, token: string) {
  const { rows } = await db.query<{
    member_id: string;
    email: string;
    display_name: string;
    roles: string[];
    suspended: boolean;
    timezone: string;
  }>(
    `SELECT p.member_id, p.email, p.display_name, p.roles, p.suspended, p.timezone
       FROM auth_sessions s JOIN member_profiles p ON p.member_id = s.member_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    [tokenHash(token)],
  );
  return rows[0] ?? null;
}

export async function revokeSession(db: Queryable, token: string): Promise<void> {
  await db.query('UPDATE auth_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
    tokenHash(token),
  ]);
}

export async function revokeMemberSessions(db: Queryable, memberId: string): Promise<void> {
  await db.query('UPDATE auth_sessions SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL', [
    memberId,
  ]);
}
