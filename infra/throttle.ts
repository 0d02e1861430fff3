import { type Pool, type Queryable, withTransaction } from './db/index.ts';

export type ThrottleRule = { key: string; limit: number; windowMs: number };

/** Attempts counted in advance: `release` takes them back when they turn out not to count (a sign-in that worked). */
export type Reservation =
  | { ok: true; release: () => Promise<void> }
  | { ok: false; rule: ThrottleRule; left: number };

/** The advisory-lock key space of throttle keys (two-integer locks do not overlap the one-integer ones). */
const LOCK_SPACE = 7301;

/**
 * Counts `count` attempts against every rule at once, in the database (the limits hold across app instances and
 * restarts), or none when any rule has fewer than `count` left. A lock per key serialises the count and the
 * insert, so that of racing attempts no more get through than the limit allows: count first, then do the
 * expensive or risky thing (check a password, schedule sessions).
 */
export async function reserveAttempts(pool: Pool, rules: ThrottleRule[], count = 1): Promise<Reservation> {
  // Locks in one order everywhere: two callers naming the same keys cannot wait for each other.
  const sorted = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const outcome = await withTransaction(pool, async (client) => {
    for (const rule of sorted) {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, rule.key]);
    }
    for (const rule of sorted) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*) AS n FROM throttle_hits WHERE key = $1 AND at > now() - make_interval(secs => $2)`,
        [rule.key, rule.windowMs / 1000],
      );
      const left = Math.max(0, rule.limit - (rows[0]?.n ?? 0));
      if (left < count) return { ok: false as const, rule, left };
    }
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO throttle_hits (key) SELECT k FROM unnest($1::text[]) k, generate_series(1, $2) RETURNING id::text`,
      [sorted.map((r) => r.key), count],
    );
    return { ok: true as const, ids: rows.map((r) => r.id) };
  });
  // Old hits are worthless: prune now and then rather than on every request.
  if (Math.random() < 0.01) await pool.query(`DELETE FROM throttle_hits WHERE at < now() - interval '1 day'`);
  if (!outcome.ok) return outcome;
  return {
    ok: true,
    release: async () => {
      await pool.query('DELETE FROM throttle_hits WHERE id = ANY($1::bigint[])', [outcome.ids]);
    },
  };
}

/** Forgets every attempt counted under a key (a member who signed in is forgiven the failures before). */
export async function clearHits(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM throttle_hits WHERE key = $1', [key]);
}

/**
 * A daily allowance per member (sessions created, reviews, reports): spends `count` uses when that many are
 * left, else spends nothing and says how many are left (the caller answers 429 naming the limit). `release`
 * gives the uses back, for a command that was refused after all.
 */
export async function spendDailyAllowance(
  pool: Pool,
  what: string,
  memberId: string,
  perDay: number,
  count = 1,
): Promise<Reservation> {
  return reserveAttempts(
    pool,
    [{ key: `${what}:member:${memberId}`, limit: perDay, windowMs: 86400_000 }],
    count,
  );
}
