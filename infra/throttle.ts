import type { Queryable } from './db/index.ts';

export type ThrottleRule = { key: string; limit: number; windowMs: number };

/**
 * Counts attempts in the database, so the limit holds across every app instance and restarts.
 * `check` tells whether another attempt is allowed; `record` counts one.
 */
export async function isThrottled(db: Queryable, rule: ThrottleRule): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM throttle_hits WHERE key = $1 AND at > now() - make_interval(secs => $2)`,
    [rule.key, rule.windowMs / 1000],
  );
  return (rows[0]?.n ?? 0) >= rule.limit;
}

export async function recordHit(db: Queryable, key: string): Promise<void> {
  await db.query('INSERT INTO throttle_hits (key) VALUES ($1)', [key]);
  // Old hits are worthless: prune now and then rather than on every request.
  if (Math.random() < 0.01) await db.query(`DELETE FROM throttle_hits WHERE at < now() - interval '1 day'`);
}

export async function clearHits(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM throttle_hits WHERE key = $1', [key]);
}

/**
 * A daily allowance per member (sessions created, reviews, reports): false when used up (the caller answers 429
 * naming the limit), else counts this use and returns true.
 */
export async function spendDailyAllowance(
  db: Queryable,
  what: string,
  memberId: string,
  perDay: number,
): Promise<boolean> {
  const key = `${what}:member:${memberId}`;
  if (await isThrottled(db, { key, limit: perDay, windowMs: 86400_000 })) return false;
  await recordHit(db, key);
  return true;
}
