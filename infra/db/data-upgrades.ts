import type { Pool, PoolClient } from './pool.ts';

/**
 * A change to existing data that SQL alone cannot make (it needs a key, or code shared with the app), run once after
 * the migrations. It must be idempotent: an import runs it again over the log it loads, which may predate it.
 */
export type DataUpgrade = {
  /** Recorded in `data_upgrades` once applied: never rename one. */
  name: string;
  /** Runs in one transaction, which it may lock tables in; says what it changed, for the log and the record. */
  run: (client: PoolClient) => Promise<string>;
};

const LOCK_KEY = 'skillswap:data-upgrades';

/**
 * Applies the upgrades not yet recorded in `data_upgrades` (migration 0012), each in a transaction of its own with
 * its record, under an advisory lock so that processes starting together run each once.
 */
export async function runDataUpgrades(
  pool: Pool,
  upgrades: DataUpgrade[],
  log: (msg: string) => void = () => {},
): Promise<string[]> {
  if (upgrades.length === 0) return [];
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
    const { rows } = await client.query<{ name: string }>('SELECT name FROM data_upgrades');
    const done = new Set(rows.map((r) => r.name));
    for (const upgrade of upgrades.filter((u) => !done.has(u.name))) {
      await client.query('BEGIN');
      try {
        const outcome = await upgrade.run(client);
        await client.query('INSERT INTO data_upgrades (name, outcome) VALUES ($1, $2)', [
          upgrade.name,
          outcome,
        ]);
        await client.query('COMMIT');
        applied.push(upgrade.name);
        log(`applied data upgrade ${upgrade.name}: ${outcome}`);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Data upgrade ${upgrade.name} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]).catch(() => {});
    client.release();
  }
  return applied;
}
