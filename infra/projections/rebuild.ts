import { type Pool, type PoolClient, type Queryable, withTransaction } from '../db/pool.ts';
import { type Checkpoint, type EventStore, START, UndecodableEventError } from '../event-store/index.ts';
import { lockCheckpoint } from './checkpoint-lock.ts';
import { dependentViews, dropViews, recreateViews } from './dependent-views.ts';
import { eventAt, isTransient, recordSetAside, type SetAsideEvent } from './set-aside.ts';
import type { Projector } from './types.ts';

export type RebuildProgress = { name: string; position: number; headPosition: number };

const quote = (ident: string) => `"${ident.replaceAll('"', '""')}"`;
const shadowSchema = (name: string) => `rebuild_${name.replace(/[^a-z0-9_]/gi, '_')}`;

async function inShadow<T>(pool: Pool, schema: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL search_path TO ${quote(schema)}, public`);
    // A rebuild can be redone from the log: losing its last moments in a crash costs nothing.
    await client.query('SET LOCAL synchronous_commit TO off');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function privilegesOf(client: PoolClient, tables: string[]): Promise<string[]> {
  const { rows: whole } = await client.query<{ table_name: string; grantee: string; privilege_type: string }>(
    `SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants
      WHERE table_schema = 'public' AND table_name = ANY($1) AND grantee <> current_user`,
    [tables],
  );
  const { rows: columns } = await client.query<{
    table_name: string;
    grantee: string;
    privilege_type: string;
    cols: string[];
  }>(
    `SELECT table_name, grantee, privilege_type, array_agg(column_name::text ORDER BY column_name) AS cols
       FROM information_schema.column_privileges
      WHERE table_schema = 'public' AND table_name = ANY($1) AND grantee <> current_user
      GROUP BY table_name, grantee, privilege_type`,
    [tables],
  );
  const wholeKeys = new Set(whole.map((g) => `${g.table_name}/${g.grantee}/${g.privilege_type}`));
  return [
    ...whole.map((g) => `GRANT ${g.privilege_type} ON public.${quote(g.table_name)} TO ${quote(g.grantee)}`),
    ...columns
      .filter((g) => !wholeKeys.has(`${g.table_name}/${g.grantee}/${g.privilege_type}`))
      .map(
        (g) =>
          `GRANT ${g.privilege_type} (${g.cols.map(quote).join(', ')}) ON public.${quote(g.table_name)} TO ${quote(g.grantee)}`,
      ),
  ];
}

/** Each index of a table by its definition without its own name, so a copy's indexes can be matched to it. */
async function indexNames(client: PoolClient, schema: string, table: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
    [schema, table],
  );
  return new Map(rows.map((r) => [r.indexdef.replace(/INDEX \S+ ON \S+/, 'INDEX ON'), r.indexname]));
}

/**
 * LIKE … INCLUDING ALL names the copy's indexes after its own pattern: give them back the names the migrations
 * gave, so that a later migration can still refer to an index by name.
 */
async function restoreIndexNames(client: PoolClient, table: string, original: Map<string, string>) {
  for (const [definition, current] of await indexNames(client, 'public', table)) {
    const name = original.get(definition);
    if (!name || name === current) continue;
    const isConstraint = await client.query(
      'SELECT 1 FROM pg_constraint WHERE conname = $1 AND conrelid = $2::regclass',
      [current, `public.${quote(table)}`],
    );
    if (isConstraint.rowCount) {
      await client.query(
        `ALTER TABLE public.${quote(table)} RENAME CONSTRAINT ${quote(current)} TO ${quote(name)}`,
      );
    } else {
      await client.query(`ALTER INDEX public.${quote(current)} RENAME TO ${quote(name)}`);
    }
  }
}

/** What a rebuild set aside: events its projector could not apply (set-aside.ts), by log position. */
type SetAsideFound = Map<number, { event: SetAsideEvent; error: unknown }>;

const SHADOW_BATCH = 2000;

/**
 * One batch of the rebuild, in a savepoint: a batch that fails (not for want of the database) is replayed one
 * event at a time, and each event that fails alone is set aside, as the live runner does, so that one bad event
 * cannot stop a rebuild either.
 */
async function projectShadowBatch(
  client: PoolClient,
  store: EventStore,
  projector: Projector,
  from: Checkpoint,
  found: SetAsideFound,
): Promise<Checkpoint> {
  await client.query('SAVEPOINT shadow_batch');
  try {
    const batch = await store.readAll(from, { limit: SHADOW_BATCH, types: projector.eventTypes, client });
    if (batch.events.length > 0) await projector.handle(client, batch.events);
    await client.query('RELEASE SAVEPOINT shadow_batch');
    return batch.checkpoint;
  } catch (err) {
    if (isTransient(err)) throw err;
    await client.query('ROLLBACK TO SAVEPOINT shadow_batch');
  }
  let checkpoint = from;
  for (let n = 0; n < SHADOW_BATCH; n++) {
    const next = await projectShadowEvent(client, store, projector, checkpoint, found);
    if (next === checkpoint) break;
    checkpoint = next;
  }
  return checkpoint;
}

/** The next event alone, in a savepoint; one that fails is recorded in `found` and passed. */
async function projectShadowEvent(
  client: PoolClient,
  store: EventStore,
  projector: Projector,
  from: Checkpoint,
  found: SetAsideFound,
): Promise<Checkpoint> {
  await client.query('SAVEPOINT shadow_event');
  let event: SetAsideEvent | null = null;
  try {
    const batch = await store
      .readAll(from, { limit: 1, types: projector.eventTypes, client })
      .catch(async (err) => {
        // Its data no longer decodes: the read itself fails, and the log still says which event it is.
        event = err instanceof UndecodableEventError ? await eventAt(client, err.globalPosition) : null;
        throw err;
      });
    const [first] = batch.events;
    if (first) {
      event = {
        globalPosition: first.globalPosition,
        transactionId: first.transactionId,
        streamId: first.streamId,
        streamVersion: first.streamVersion,
        type: first.type,
      };
      await projector.handle(client, batch.events);
    }
    await client.query('RELEASE SAVEPOINT shadow_event');
    return batch.checkpoint;
  } catch (err) {
    if (isTransient(err) || !event) throw err;
    await client.query('ROLLBACK TO SAVEPOINT shadow_event');
    const failed: SetAsideEvent = event;
    found.set(failed.globalPosition, { event: failed, error: err });
    return { transactionId: failed.transactionId, position: failed.globalPosition };
  }
}

/**
 * At the swap: the rebuilt tables lack exactly what the rebuild set aside, so that becomes the projector's list
 * (an event that applied this time leaves it; one that failed again gets one more try).
 */
async function replaceSetAside(client: PoolClient, name: string, found: SetAsideFound) {
  await client.query(
    'DELETE FROM public.projection_set_aside WHERE projector = $1 AND NOT (global_position = ANY($2::bigint[]))',
    [name, [...found.keys()]],
  );
  for (const { event, error } of found.values()) await recordSetAside(client, name, event, error, 1);
}

/**
 * Rebuilds a projector's tables from position 0 without downtime: the live tables keep serving reads (and the
 * live runner keeps them current) while fresh copies are built in a schema of their own; then one short
 * transaction catches the copies up to the live checkpoint's successor and swaps them in.
 */
export class RebuildRunningError extends Error {}

const rebuildLockKey = (name: string) => `skillswap:rebuild:${name}`;

/**
 * One rebuild of a projector at a time, across processes (the command line and a job, say): they would share the
 * scratch schema. The lock is held on a connection of its own and goes away with a crashed process. With `wait`,
 * a rebuild that finds another running waits for it to end (and says so once through `wait`), then rebuilds;
 * without, it fails at once with RebuildRunningError.
 */
export async function rebuildProjector(
  pool: Pool,
  store: EventStore,
  projector: Projector,
  onProgress: (p: RebuildProgress) => void = () => {},
  options: { wait?: () => void } = {},
): Promise<void> {
  const lock = await pool.connect();
  try {
    for (let told = false; ; ) {
      const { rows } = await lock.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [rebuildLockKey(projector.name)],
      );
      if (rows[0]?.locked) break;
      if (!options.wait) throw new RebuildRunningError(`a rebuild of ${projector.name} is already running`);
      if (!told) options.wait();
      told = true;
      // Polled rather than a blocking pg_advisory_lock: no statement timeout can cut the wait short.
      await new Promise((r) => setTimeout(r, REBUILD_WAIT_POLL_MS));
    }
    try {
      await rebuildLocked(pool, store, projector, onProgress);
    } catch (err) {
      await recordRebuildFailure(pool, projector.name, err);
      throw err;
    }
  } finally {
    await lock
      .query('SELECT pg_advisory_unlock(hashtext($1))', [rebuildLockKey(projector.name)])
      .catch(() => {});
    lock.release();
  }
}

const REBUILD_WAIT_POLL_MS = 250;

/**
 * Why a rebuild failed, for `projections status` and the admin page until one succeeds. Kept apart from
 * last_error, which the live runner clears at its next batch. Best effort: the failure may be the database's.
 */
export async function recordRebuildFailure(pool: Pool, name: string, err: unknown): Promise<void> {
  await pool
    .query(
      `UPDATE projection_checkpoints
          SET status = CASE WHEN status = 'rebuilding' THEN 'running' ELSE status END, rebuild_position = NULL,
              rebuild_error = $2, rebuild_failed_at = now()
        WHERE name = $1`,
      [name, `rebuild failed: ${String((err as Error)?.message ?? err).slice(0, 2000)}`],
    )
    .catch(() => {});
}

/**
 * Whether a rebuild of the projector runs right now, in any process. One statement, its own transaction: the
 * transaction-level lock it tries goes with it, so it is safe through a transaction pooler too.
 */
export async function isRebuilding(db: Queryable, name: string): Promise<boolean> {
  const { rows } = await db.query<{ free: boolean }>(
    'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS free',
    [rebuildLockKey(name)],
  );
  return !rows[0]?.free;
}

/**
 * A rebuild whose process died leaves its status behind: clear it (and its scratch schema) when nobody holds it.
 * `pool` is the runner's, which may be a transaction pooler's: one transaction, with the transaction-level lock
 * that conflicts with a live rebuild's session lock and goes with the transaction. A session lock here would stay
 * on a pooled server session whenever its unlock went out on another one, and every later rebuild would wait on it.
 */
export async function clearStaleRebuilds(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT name FROM projection_checkpoints WHERE status = 'rebuilding'`,
  );
  for (const { name } of rows) {
    await withTransaction(pool, async (tx) => {
      const got = await tx.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [rebuildLockKey(name)],
      );
      if (!got.rows[0]?.locked) return;
      await tx.query(`DROP SCHEMA IF EXISTS ${quote(shadowSchema(name))} CASCADE`);
      await tx.query(
        `UPDATE projection_checkpoints SET status = 'running', rebuild_position = NULL WHERE name = $1 AND status = 'rebuilding'`,
        [name],
      );
    });
  }
}

async function rebuildLocked(
  pool: Pool,
  store: EventStore,
  projector: Projector,
  onProgress: (p: RebuildProgress) => void,
): Promise<void> {
  const schema = shadowSchema(projector.name);
  const found: SetAsideFound = new Map();
  await pool.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
  await pool.query(`CREATE SCHEMA ${quote(schema)}`);
  for (const table of projector.tables) {
    await pool.query(
      `CREATE TABLE ${quote(schema)}.${quote(table)} (LIKE public.${quote(table)} INCLUDING ALL)`,
    );
  }
  await pool.query(
    `UPDATE projection_checkpoints SET status = 'rebuilding', rebuild_position = 0, rebuild_started_at = now()
      WHERE name = $1`,
    [projector.name],
  );
  try {
    const { position: headPosition } = await store.head();
    let checkpoint: Checkpoint = START;
    for (;;) {
      const from = checkpoint;
      const next = await inShadow(pool, schema, async (client) => {
        const moved = await projectShadowBatch(client, store, projector, from, found);
        // The progress rides in the batch's transaction (which waits for no WAL flush) rather than in a commit of
        // its own that did, once per batch; written last, so the checkpoint row is locked only for the commit.
        if (moved !== from) {
          await client.query('UPDATE projection_checkpoints SET rebuild_position = $2 WHERE name = $1', [
            projector.name,
            moved.position,
          ]);
        }
        return moved;
      });
      if (next === checkpoint) break;
      checkpoint = next;
      onProgress({ name: projector.name, position: checkpoint.position, headPosition });
    }

    for (let attempt = 1; ; attempt++) {
      const before = checkpoint;
      try {
        await inShadow(pool, schema, async (client) => {
          // Holding the checkpoint row keeps the live runner out while we finish and swap.
          await lockCheckpoint(client, projector.name);
          for (;;) {
            const next = await projectShadowBatch(client, store, projector, checkpoint, found);
            if (next === checkpoint) break;
            checkpoint = next;
          }
          // Readers queue behind the swap's lock: wait for a long-running reader at most 5 s, then try again.
          await client.query(`SET LOCAL lock_timeout = '5s'`);
          // Views on the tables (the analysts' ones) go first and come back last: they would block the drop.
          // Dropping them before locking the tables keeps the order in which a query on a view locks things.
          const views = await dependentViews(client, projector.tables);
          await dropViews(client, views);
          for (const table of projector.tables) {
            await client.query(`LOCK TABLE public.${quote(table)} IN ACCESS EXCLUSIVE MODE`);
          }
          // Fresh tables carry no privileges: give every other role back exactly what it had on the old ones.
          const grants = await privilegesOf(client, projector.tables);
          for (const table of projector.tables) {
            const names = await indexNames(client, 'public', table);
            await client.query(`DROP TABLE public.${quote(table)}`);
            await client.query(`ALTER TABLE ${quote(schema)}.${quote(table)} SET SCHEMA public`);
            await restoreIndexNames(client, table, names);
          }
          // Every other role keeps its access to the new tables, and the views read them.
          for (const grant of grants) await client.query(grant);
          await recreateViews(client, views);
          await replaceSetAside(client, projector.name, found);
          await client.query(
            `UPDATE projection_checkpoints
              SET transaction_id = $2::xid8, position = $3, status = 'running', rebuild_position = NULL,
                  last_error = NULL, rebuild_error = NULL, rebuild_failed_at = NULL, updated_at = now()
            WHERE name = $1`,
            [projector.name, checkpoint.transactionId, checkpoint.position],
          );
        });
        break;
      } catch (err) {
        checkpoint = before;
        if ((err as { code?: string }).code !== '55P03' || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    onProgress({ name: projector.name, position: checkpoint.position, headPosition: checkpoint.position });
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
  }
}
