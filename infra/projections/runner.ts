import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { isDatabaseUnavailable } from '../db/errors.ts';
import {
  connectionConfig,
  type DatabaseTimeouts,
  type Pool,
  type Queryable,
  releaseClient,
} from '../db/pool.ts';
import {
  type AppendSignal,
  type Checkpoint,
  type EventStore,
  isAtOrPast,
  UndecodableEventError,
} from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import { checkpointLockKey, projectorLockKey } from './checkpoint-lock.ts';
import { clearStaleRebuilds } from './rebuild.ts';
import { eventAt, isTransient, nextEventAfter, recordSetAside, type SetAsideEvent } from './set-aside.ts';
import type { Consumer, ProjectionStatus, ReactorContext } from './types.ts';

export type ProjectionRunner = ReturnType<typeof createProjectionRunner>;

type CheckpointRow = {
  name: string;
  transaction_id: string;
  position: number;
  status: ProjectionStatus['status'];
  rebuild_position: number | null;
  last_error: string | null;
};

export async function ensureCheckpoints(db: Queryable, consumers: Consumer[]) {
  await db.query(
    'INSERT INTO projection_checkpoints (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING',
    [consumers.map((c) => c.name)],
  );
}

/**
 * Moves one consumer forward by one batch, in one transaction: lock its checkpoint row (a second runner waits and
 * then sees the new checkpoint), read the next events below the watermark, handle them, write the checkpoint.
 * Returns the new checkpoint, or null when it was already caught up.
 *
 * Three round trips around the handler, not six: under a steady write load every consumer runs a batch per
 * wake-up, and each round trip is a socket write and a wake-up of this process (docs/BENCHMARKS.md, lag). So
 * BEGIN, the lock and the checkpoint read go as one simple-protocol query, and so do the checkpoint write and
 * COMMIT; they carry no parameters, only the consumer's name (checked below) and the checkpoint's digits.
 */
export async function projectBatch(
  pool: Pool,
  store: EventStore,
  consumer: Consumer,
  batchSize = 500,
  context?: ReactorContext,
): Promise<Checkpoint | null> {
  return (await runBatch(pool, store, consumer, batchSize, context))?.checkpoint ?? null;
}

/**
 * How a batch runs after repeated failures: `limit` events at most (halved at each failure while the failing
 * event is narrowed down), and at `limit` 1 the event is applied in a savepoint: a failure that is neither the
 * database's nor a transient one sets it aside (set-aside.ts) and the checkpoint moves past it all the same.
 */
type Isolation = { limit: number; tries: number };

type BatchResult = { checkpoint: Checkpoint; full: boolean; setAside: SetAsideEvent | null; error?: unknown };

/** projectBatch, also saying whether the batch was full (more events may be waiting right behind it). */
async function runBatch(
  pool: Pool,
  store: EventStore,
  consumer: Consumer,
  batchSize: number,
  context: ReactorContext | undefined,
  isolation?: Isolation,
  /** Set to how many events of the consumer's types the batch read (a failing batch is narrowed from there). */
  read: { events: number } = { events: -1 },
): Promise<BatchResult | null> {
  if (!SAFE_NAME.test(consumer.name))
    throw new Error(`consumer name ${consumer.name} must match ${SAFE_NAME}`);
  const client = await pool.connect();
  let failure: unknown;
  const alone = isolation?.limit === 1;
  try {
    const results = (await client.query(
      `BEGIN; SELECT pg_advisory_xact_lock(hashtext('${checkpointLockKey(consumer.name)}'));
       SELECT transaction_id::text AS transaction_id, position FROM projection_checkpoints
        WHERE name = '${consumer.name}'`,
    )) as unknown as pg.QueryResult<CheckpointRow>[];
    const row = results[2]?.rows[0];
    if (!row) throw new Error(`no checkpoint row for ${consumer.name}`);
    const from: Checkpoint = { transactionId: row.transaction_id, position: row.position };
    const limit = isolation ? Math.min(isolation.limit, batchSize) : batchSize;
    let batch: Awaited<ReturnType<EventStore['readAll']>>;
    let setAside: SetAsideEvent | null = null;
    let error: unknown;
    if (alone) await client.query('SAVEPOINT poison_read');
    try {
      batch = await store.readAll(from, { limit, types: consumer.eventTypes, client });
      read.events = batch.events.length;
    } catch (err) {
      // An event whose data no longer decodes (or cannot be opened) fails the read itself: alone, the batch is
      // the next event of the log, whatever its type, and that is the one to set aside.
      if (!alone || isTransient(err)) throw err;
      await client.query('ROLLBACK TO SAVEPOINT poison_read');
      const event =
        err instanceof UndecodableEventError
          ? await eventAt(client, err.globalPosition)
          : await nextEventAfter(client, from);
      if (!event) throw err;
      await recordSetAside(client, consumer.name, event, err, isolation!.tries);
      batch = {
        events: [],
        checkpoint: { transactionId: event.transactionId, position: event.globalPosition },
        full: true,
      };
      setAside = event;
      error = err;
    }
    if (batch.checkpoint === from) {
      await client.query('COMMIT');
      return null;
    }
    if (batch.events.length > 0) {
      const handle = () => {
        if (consumer.kind === 'read-model') return consumer.handle(client, batch.events);
        if (context) return consumer.handle(client, batch.events, context);
        throw new Error(`reactor ${consumer.name} needs a context to run`);
      };
      if (!alone) await handle();
      else {
        await client.query('SAVEPOINT poison');
        try {
          await handle();
          await client.query('RELEASE SAVEPOINT poison');
        } catch (err) {
          if (isTransient(err)) throw err;
          await client.query('ROLLBACK TO SAVEPOINT poison');
          const [event] = batch.events;
          setAside = {
            globalPosition: event!.globalPosition,
            transactionId: event!.transactionId,
            streamId: event!.streamId,
            streamVersion: event!.streamVersion,
            type: event!.type,
          };
          await recordSetAside(client, consumer.name, setAside, err, isolation!.tries);
          error = err;
        }
      }
    }
    const { transactionId, position } = batch.checkpoint;
    if (!/^\d+$/.test(transactionId) || !Number.isSafeInteger(Number(position)))
      throw new Error(`not a checkpoint: ${transactionId}/${position}`);
    await client.query(
      `UPDATE projection_checkpoints
          SET transaction_id = '${transactionId}'::xid8, position = ${Number(position)}, last_error = NULL,
              updated_at = now(), status = CASE WHEN status = 'failing' THEN 'running' ELSE status END
        WHERE name = '${consumer.name}';
       COMMIT`,
    );
    return { checkpoint: batch.checkpoint, full: batch.full, setAside, ...(setAside ? { error } : {}) };
  } catch (err) {
    failure = err;
    if (!isDatabaseUnavailable(err)) await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    releaseClient(client, failure);
  }
}

/** Failed tries of a batch before it is narrowed down to the event that fails it, which is then set aside. */
export const POISON_TRIES = 3;

/** The longest wait between retries while the database is unavailable (other failures back off up to 30 s). */
const UNAVAILABLE_BACKOFF_MAX_MS = 1000;

/** Consumer names go into SQL text (projectBatch): letters, digits and underscores only. */
const SAFE_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Runs every consumer inside this process, one runner per consumer across all processes on the database: a
 * consumer runs where its advisory lock is held, on a connection of its own, so that when a process dies its
 * locks go with its connection and another process takes the consumer over at its next attempt.
 */
export function createProjectionRunner(deps: {
  pool: Pool;
  url: string;
  store: EventStore;
  signal: AppendSignal;
  consumers: Consumer[];
  log: Logger;
  /** Handed to reactors: the store, jobs and pool they act through. */
  context?: ReactorContext;
  pollMs?: number;
  takeoverMs?: number;
  batchSize?: number;
  /** How long a consumer woken by an append waits for more before reading (read-your-writes waits as long). */
  coalesceMs?: number;
  /** For the projector lock connection. */
  timeouts?: DatabaseTimeouts;
  /** Takes failures for want of the database (true), which are then not the projector's (the outage log). */
  reportUnavailable?: (err: unknown, where: string) => boolean;
}) {
  const { pool, store, signal, consumers, log } = deps;
  const pollMs = deps.pollMs ?? 500;
  const takeoverMs = deps.takeoverMs ?? 2000;
  const batchSize = deps.batchSize ?? 500;
  const coalesceMs = deps.coalesceMs ?? 5;
  const progress = new EventEmitter();
  progress.setMaxListeners(0);
  const owned = new Map<string, Promise<void>>();
  /** The last checkpoint each projector owned here committed: read-your-writes waits check it without a query. */
  const local = new Map<string, Checkpoint>();
  let lockClient: pg.Client | null = null;
  let running = false;
  let takeoverTimer: NodeJS.Timeout | null = null;
  const unavailable = (err: unknown, where: string) =>
    isDatabaseUnavailable(err) && (deps.reportUnavailable?.(err, where) ?? true);

  /**
   * `isCurrent`: this loop still holds the lock (a loop from before a lost lock connection stops).
   *
   * A batch that fails (for a reason other than the database's absence) is tried again with a back-off; after
   * POISON_TRIES failures it is narrowed down: half as many events per transaction at each failure, twice as
   * many after each success, until the one event that fails alone is set aside. Every step is a short
   * transaction of its own, so other consumers' reads (which wait for open writers) are not held back.
   */
  async function runLoop(consumer: Consumer, isCurrent: () => boolean) {
    let failures = 0;
    let outages = 0;
    let limit = batchSize;
    let quickChecks = 0;
    while (running && isCurrent()) {
      const read = { events: -1 };
      try {
        const seen = signal.seen();
        const isolating = failures >= POISON_TRIES;
        const used = isolating ? limit : batchSize;
        const moved = await runBatch(
          pool,
          store,
          consumer,
          batchSize,
          deps.context,
          isolating ? { limit, tries: failures + 1 } : undefined,
          read,
        );
        outages = 0;
        if (moved?.setAside) {
          log.error(
            { err: moved.error, projector: consumer.name, event: moved.setAside, tries: failures + 1 },
            'event set aside: the projector could not apply it and goes on past it (projections retry applies it again)',
          );
        }
        // Found and set aside, caught up, or a whole batch went through: whatever failed has passed.
        if (!moved || moved.setAside || used === batchSize) {
          failures = 0;
          limit = batchSize;
        } else limit = Math.min(batchSize, limit * 2);
        if (moved) {
          local.set(consumer.name, moved.checkpoint);
          progress.emit('progress', consumer);
          quickChecks = 5;
          if (moved.full || failures > 0) continue; // a backlog (or the rest of a failing batch): go on at once
        }
        // Right after activity, an append we were told about may still sit behind an older open transaction
        // (the watermark): look again soon a few times before settling into the slow poll.
        await signal.wait(quickChecks-- > 0 ? 20 : pollMs, seen);
        // Woken by an append: let the next few milliseconds of appends join it, so that under a steady load each
        // consumer runs one batch for several events rather than one transaction per event (docs/BENCHMARKS.md).
        if (coalesceMs > 0 && running && signal.seen() !== seen) await sleep(coalesceMs);
      } catch (err) {
        if (!running) return;
        if (unavailable(err, `projector ${consumer.name}`)) {
          // The database, not this projector, failed: no 'failing' status, no count towards setting an event
          // aside, and a short back-off, so that the loop is running again within a second of the database's
          // return (the outage's end also wakes it).
          outages++;
          await signal.wait(Math.min(UNAVAILABLE_BACKOFF_MAX_MS, 100 * 2 ** Math.min(outages, 8)));
          continue;
        }
        const aloneFailed = failures >= POISON_TRIES && limit === 1;
        failures++;
        // Narrowing starts from the events the failing batch held (a command's few, often), not its limit.
        if (failures >= POISON_TRIES)
          limit = Math.max(1, Math.ceil(Math.min(limit, read.events > 0 ? read.events : limit) / 2));
        if (failures === 1) log.error({ err, projector: consumer.name }, 'projector failed; trying again');
        else log.debug({ err, projector: consumer.name, failures, limit }, 'projector failed again');
        await pool
          .query(`UPDATE projection_checkpoints SET status = 'failing', last_error = $2 WHERE name = $1`, [
            consumer.name,
            (err as Error).message,
          ])
          .catch(() => {});
        // Back off before the batch's next tries, and when even a lone event fails outside its handler (which
        // nothing sets aside); narrowing a batch down goes on at once. (Waiting on the signal, not a timer: stop()
        // pokes it, so a shutdown never sits out the back-off.)
        if (failures < POISON_TRIES || aloneFailed)
          await signal.wait(Math.min(30_000, 50 * 2 ** Math.min(failures, 9)));
      }
    }
  }

  /** The locks went with the connection: every loop here stops, and the next claim starts them again. */
  function dropLockClient(c: pg.Client) {
    if (lockClient !== c) return;
    lockClient = null;
    owned.clear();
    c.end().catch(() => {});
  }

  async function claimConsumers() {
    if (!running) return;
    let c = lockClient;
    try {
      if (!c) {
        const fresh = new pg.Client(
          connectionConfig(deps.url, {
            applicationName: 'skillswap-projector-locks',
            ...(deps.timeouts ? { timeouts: deps.timeouts } : {}),
          }),
        );
        c = fresh;
        fresh.on('error', (err) => {
          if (lockClient !== fresh) return;
          if (!unavailable(err, 'projector locks'))
            log.warn({ err }, 'lost the projector lock connection; releasing projectors');
          dropLockClient(fresh);
        });
        try {
          await fresh.connect();
        } catch (err) {
          await fresh.end().catch(() => {});
          throw err;
        }
        lockClient = fresh;
      }
      for (const consumer of consumers) {
        if (owned.has(consumer.name)) continue;
        const { rows } = await c.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
          [projectorLockKey(consumer.name)],
        );
        if (rows[0]?.locked) {
          log.debug({ projector: consumer.name }, 'running projector');
          // Registered before the loop's first check of `owned` (runLoop starts on the next tick).
          const loop: Promise<void> = Promise.resolve().then(() =>
            runLoop(consumer, () => owned.get(consumer.name) === loop),
          );
          owned.set(consumer.name, loop);
        }
      }
    } catch (err) {
      // A lock query that timed out leaves the connection in doubt: start again on a fresh one.
      if (c) dropLockClient(c);
      if (!unavailable(err, 'projector locks')) log.warn({ err }, 'could not claim projectors; will retry');
    } finally {
      if (running) takeoverTimer = setTimeout(claimConsumers, takeoverMs);
    }
  }

  async function start() {
    await ensureCheckpoints(pool, consumers);
    await clearStaleRebuilds(pool);
    running = true;
    await claimConsumers();
  }

  async function stop() {
    running = false;
    if (takeoverTimer) clearTimeout(takeoverTimer);
    signal.poke();
    const loops = [...owned.values()];
    owned.clear();
    await Promise.all(loops);
    await lockClient?.end().catch(() => {});
    lockClient = null;
  }

  async function checkpoints(names: string[]): Promise<Map<string, Checkpoint>> {
    const result = new Map<string, Checkpoint>();
    const remote = names.filter((n) => !(owned.has(n) && local.has(n)));
    for (const n of names) if (!remote.includes(n)) result.set(n, local.get(n)!);
    if (remote.length === 0) return result;
    const { rows } = await pool.query<CheckpointRow>(
      `SELECT name, transaction_id::text AS transaction_id, position FROM projection_checkpoints WHERE name = ANY($1)`,
      [remote],
    );
    for (const r of rows) result.set(r.name, { transactionId: r.transaction_id, position: r.position });
    return result;
  }

  /**
   * Read-your-writes: resolves true once every named read-model projector has passed `target`, false when
   * `timeoutMs` runs out first (the caller answers anyway; the read model catches up moments later).
   * Projectors running in this process are checked in memory; others (another instance) by a query every 50 ms.
   */
  async function waitFor(
    target: Checkpoint,
    options: { names?: string[]; timeoutMs: number },
  ): Promise<boolean> {
    const names = options.names ?? consumers.filter((c) => c.kind === 'read-model').map((c) => c.name);
    if (names.length === 0) return true;
    const deadline = Date.now() + options.timeoutMs;
    signal.poke();
    for (;;) {
      const cps = await checkpoints(names);
      const behind = names.filter((n) => !(cps.has(n) && isAtOrPast(cps.get(n)!, target)));
      if (behind.length === 0) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const allLocal = behind.every((n) => owned.has(n) && local.has(n));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, allLocal ? 250 : 50));
        function done() {
          clearTimeout(timer);
          progress.off('progress', done);
          resolve();
        }
        progress.once('progress', done);
      });
    }
  }

  return {
    start,
    stop,
    waitFor,
    /** Where the named consumers stand: from memory for those running here, else from the database. */
    checkpoints,
    consumers,
    ownedNames: () => [...owned.keys()],
    /** Called after each batch a consumer commits in this process. */
    onProgress: (fn: (consumer: Consumer) => void) => progress.on('progress', fn),
  };
}
