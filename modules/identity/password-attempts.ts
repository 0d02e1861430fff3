import type { Config } from '../../infra/config.ts';
import type { Pool, Queryable } from '../../infra/db/index.ts';
import { HttpError } from '../../infra/http/index.ts';
import { clearHits, reserveAttempts, type ThrottleRule } from '../../infra/throttle.ts';
import { emailHash, loginFailuresOf } from './email.ts';
import { passwordMatches } from './passwords.ts';

// Every check of a password is counted before the hash is verified, and forgiven when it succeeds: a burst of
// guesses, however concurrent, gets at most LOGIN_FAILURE_LIMIT verifications per window, the rest 429.

const WINDOW_MS = 15 * 60_000;

export const tooManyAttempts = (what: string) =>
  new HttpError('rate_limited', `Too many ${what}. Try again later.`);

/**
 * Sign-in: per email (keyed by a keyed hash: the throttle table must not keep addresses, nor hashes anyone could
 * recompute from one), and per IP five times that.
 */
export async function signInRules(
  db: Queryable,
  config: Pick<Config, 'loginFailureLimit'>,
  email: string,
  ip: string,
) {
  const limit = config.loginFailureLimit;
  return {
    email: { key: loginFailuresOf(await emailHash(db, email)), limit, windowMs: WINDOW_MS },
    ip: { key: `login-failure:ip:${ip}`, limit: limit * 5, windowMs: WINDOW_MS },
  } satisfies Record<string, ThrottleRule>;
}

/**
 * Whether a signed-in member's current password is `password` (changing the password, deleting the account):
 * the same limit as signing in, on a budget of the member's own, so that someone holding a stolen session cookie
 * cannot guess the password at leisure. 429 once the budget is spent, whatever the password.
 */
export async function currentPasswordMatches(
  deps: { pool: Pool; config: Pick<Config, 'loginFailureLimit'> },
  member: { id: string; passwordHash: string },
  password: string,
): Promise<boolean> {
  const rule = {
    key: `password-check:member:${member.id}`,
    limit: deps.config.loginFailureLimit,
    windowMs: WINDOW_MS,
  };
  const attempt = await reserveAttempts(deps.pool, [rule]);
  if (!attempt.ok) throw tooManyAttempts('wrong passwords');
  const matches = await passwordMatches(member.passwordHash, password);
  if (matches) await clearHits(deps.pool, rule.key);
  return matches;
}
