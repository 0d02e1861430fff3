import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from '../db/pool.ts';
import { type Checkpoint, isAtOrPast } from '../event-store/index.ts';
import { projectorLockKey } from './checkpoint-lock.ts';

/** What a wait for the projectors of other processes found. */
export type ProjectorsWait = 'caught-up' | 'no-runner' | 'timed-out';

/**
 * Read-your-writes for a process that runs no projectors of its own (the admin command line): resolves once every
 * named projector's checkpoint is at or past `target`, polling projection_checkpoints, within `timeoutMs`. When no
 * process holds any of their runner locks (no server is running on the database), nothing would move them, so it
 * answers 'no-runner' at once rather than sitting out the timeout.
 */
export async function waitForProjectors(
  db: Queryable,
  names: string[],
  target: Checkpoint,
  timeoutMs: number,
): Promise<ProjectorsWait> {
  const deadline = Date.now() + timeoutMs;
  let runnerSeen = false;
  for (;;) {
    const { rows } = await db.query<{ transaction_id: string; position: number }>(
      'SELECT transaction_id::text AS transaction_id, position FROM projection_checkpoints WHERE name = ANY($1)',
      [names],
    );
    const behind =
      rows.length < names.length ||
      rows.some((r) => !isAtOrPast({ transactionId: r.transaction_id, position: r.position }, target));
    if (!behind) return 'caught-up';
    if (!runnerSeen) {
      if (!(await anyRunning(db, names))) return 'no-runner';
      runnerSeen = true;
    }
    if (Date.now() >= deadline) return 'timed-out';
    await sleep(Math.min(50, Math.max(0, deadline - Date.now())));
  }
}

/** Whether some session on this database holds the runner lock of one of the named consumers (pg_locks). */
async function anyRunning(db: Queryable, names: string[]): Promise<boolean> {
  // A bigint advisory key shows in pg_locks as its high half in classid and its low half in objid.
  const { rows } = await db.query<{ running: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint) IN (SELECT hashtext(k)::bigint FROM unnest($1::text[]) k)
     ) AS running`,
    [names.map(projectorLockKey)],
  );
  return rows[0]!.running;
}
