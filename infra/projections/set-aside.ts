import { isDatabaseUnavailable } from '../db/errors.ts';
import { type Pool, type PoolClient, type Queryable, releaseClient } from '../db/pool.ts';
import type { Checkpoint, EventStore } from '../event-store/index.ts';
import { lockCheckpoint } from './checkpoint-lock.ts';
import type { Consumer, ReactorContext } from './types.ts';

// Events a consumer could not apply after a few tries, set aside in `projection_set_aside` (migration 0010) so
// that it goes on past them: one bad event (an old shape, a projector bug) never stops a read model, and it stays
// visible (/healthz degraded, `projections status`, the admin page) and retryable (`projections retry`).

/** The event a consumer gave up on, as far as the log identifies it (its data may be what failed to decode). */
export type SetAsideEvent = {
  globalPosition: number;
  transactionId: string;
  streamId: string;
  streamVersion: number;
  type: string;
};

export type SetAsideEntry = SetAsideEvent & {
  projector: string;
  error: string;
  tries: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
};

/** Errors worth another try as they are (a deadlock, a serialization failure): never a reason to set aside. */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return isDatabaseUnavailable(err) || code === '40001' || code === '40P01' || code === '55P03';
}

/** Longest error text kept: a message, not a dump. */
const ERROR_MAX = 2000;
const errorText = (err: unknown) => String((err as Error)?.message ?? err).slice(0, ERROR_MAX);

/** Records (or, seen again, updates) an event set aside; call in the transaction that moves the checkpoint. */
export async function recordSetAside(
  db: Queryable,
  projector: string,
  event: SetAsideEvent,
  err: unknown,
  tries: number,
) {
  await db.query(
    `INSERT INTO projection_set_aside
       (projector, global_position, transaction_id, stream_id, stream_version, event_type, error, tries)
     VALUES ($1, $2, $3::xid8, $4, $5, $6, $7, $8)
     ON CONFLICT (projector, global_position) DO UPDATE
       SET error = excluded.error, tries = projection_set_aside.tries + excluded.tries, last_seen_at = now()`,
    [
      projector,
      event.globalPosition,
      event.transactionId,
      event.streamId,
      event.streamVersion,
      event.type,
      errorText(err),
      tries,
    ],
  );
}

/** The log's own description of the event at a position (for one whose data cannot even be decoded). */
export async function eventAt(db: Queryable, position: number): Promise<SetAsideEvent | null> {
  const { rows } = await db.query<{
    transaction_id: string;
    stream_id: string;
    stream_version: number;
    type: string;
  }>(
    `SELECT transaction_id::text AS transaction_id, stream_id, stream_version, type FROM events
      WHERE global_position = $1`,
    [position],
  );
  const r = rows[0];
  return r
    ? {
        globalPosition: position,
        transactionId: r.transaction_id,
        streamId: r.stream_id,
        streamVersion: r.stream_version,
        type: r.type,
      }
    : null;
}

/** The first committed event after a checkpoint in log order, as the log describes it (a batch of one reads it). */
export async function nextEventAfter(db: Queryable, after: Checkpoint): Promise<SetAsideEvent | null> {
  const { rows } = await db.query<{ global_position: number }>(
    `SELECT global_position FROM events
      WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
        AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id, global_position LIMIT 1`,
    [after.transactionId, after.position],
  );
  return rows[0] ? eventAt(db, Number(rows[0].global_position)) : null;
}

type Row = {
  projector: string;
  global_position: number;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  event_type: string;
  error: string;
  tries: number;
  first_seen_at: Date;
  last_seen_at: Date;
};

const toEntry = (r: Row): SetAsideEntry => ({
  projector: r.projector,
  globalPosition: Number(r.global_position),
  transactionId: r.transaction_id,
  streamId: r.stream_id,
  streamVersion: r.stream_version,
  type: r.event_type,
  error: r.error,
  tries: r.tries,
  firstSeenAt: r.first_seen_at,
  lastSeenAt: r.last_seen_at,
});

/** The set-aside events of the named consumers (all when none are named), by consumer and log position. */
export async function listSetAside(db: Queryable, names?: string[]): Promise<SetAsideEntry[]> {
  const { rows } = await db.query<Row>(
    `SELECT projector, global_position, transaction_id::text AS transaction_id, stream_id, stream_version,
            event_type, error, tries, first_seen_at, last_seen_at
       FROM projection_set_aside
      WHERE $1::text[] IS NULL OR projector = ANY($1::text[])
      ORDER BY projector, global_position`,
    [names ?? null],
  );
  return rows.map(toEntry);
}

export type RetryOutcome = { applied: SetAsideEntry[]; failing: SetAsideEntry[] };

/**
 * Applies a consumer's set-aside events again, oldest first, each in a transaction of its own that holds the
 * consumer's checkpoint (its runner's batches wait meanwhile): an event that now applies leaves the table, one that
 * still fails stays with its new error and one more try. The event comes late: the consumer has applied what
 * followed it already, so its handler must cope (README, "Set-aside events").
 */
export async function retrySetAside(
  pool: Pool,
  store: EventStore,
  consumer: Consumer,
  context?: ReactorContext,
): Promise<RetryOutcome> {
  if (consumer.kind === 'reactor' && !context)
    throw new Error(`reactor ${consumer.name} needs a context to run`);
  const outcome: RetryOutcome = { applied: [], failing: [] };
  for (const entry of await listSetAside(pool, [consumer.name])) {
    const client = await pool.connect();
    let failure: unknown;
    try {
      await client.query('BEGIN');
      await lockCheckpoint(client, consumer.name);
      // Taken meanwhile (another retry, or a rebuild that replaced the list): nothing to do.
      const still = await client.query(
        'SELECT 1 FROM projection_set_aside WHERE projector = $1 AND global_position = $2',
        [consumer.name, entry.globalPosition],
      );
      if (!still.rowCount) {
        await client.query('COMMIT');
        continue;
      }
      const err = await applyOne(client, store, consumer, entry, context);
      if (err === null) {
        await client.query('DELETE FROM projection_set_aside WHERE projector = $1 AND global_position = $2', [
          consumer.name,
          entry.globalPosition,
        ]);
        outcome.applied.push(entry);
      } else {
        await recordSetAside(client, consumer.name, entry, err, 1);
        outcome.failing.push({
          ...entry,
          error: errorText(err),
          tries: entry.tries + 1,
          lastSeenAt: new Date(),
        });
      }
      await client.query('COMMIT');
    } catch (err) {
      failure = err;
      if (!isDatabaseUnavailable(err)) await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      releaseClient(client, failure);
    }
  }
  return outcome;
}

/** Applies one logged event inside a savepoint; returns its failure (rolled back), or null when it applied. */
async function applyOne(
  client: PoolClient,
  store: EventStore,
  consumer: Consumer,
  event: SetAsideEvent,
  context: ReactorContext | undefined,
): Promise<unknown> {
  await client.query('SAVEPOINT set_aside');
  try {
    // The one event after its predecessor in log order, which is itself: events order by (transaction, position).
    const { events } = await store.readAll(
      { transactionId: event.transactionId, position: event.globalPosition - 1 },
      { limit: 1, types: [event.type], client },
    );
    const found = events.filter((e) => e.globalPosition === event.globalPosition);
    if (found.length === 0) throw new Error(`no event at position ${event.globalPosition} in the log`);
    if (consumer.kind === 'read-model') await consumer.handle(client, found);
    else await consumer.handle(client, found, context!);
    await client.query('RELEASE SAVEPOINT set_aside');
    return null;
  } catch (err) {
    if (isTransient(err)) throw err;
    await client.query('ROLLBACK TO SAVEPOINT set_aside');
    return err;
  }
}

/** How many events each consumer has set aside (consumers with none are left out). */
export async function setAsideCounts(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ projector: string; n: number }>(
    'SELECT projector, count(*)::int AS n FROM projection_set_aside GROUP BY projector',
  );
  return new Map(rows.map((r) => [r.projector, r.n]));
}
