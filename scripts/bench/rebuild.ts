// Rebuild throughput: every read-model projector rebuilt from the whole generated log with the app's own
// rebuildProjector (fresh tables in a scratch schema, then the swap), timed; against the limit, a sequential
// read of the events table alone with the same keyset query and batch size, and a read through store.readAll
// (the same plus decoding every event through the catalog) to show what decoding costs.
import type { Pool } from '../../infra/db/index.ts';
import { type Checkpoint, type EventStore, START } from '../../infra/event-store/index.ts';
import { ensureCheckpoints, type Projector, rebuildProjector } from '../../infra/projections/index.ts';
import { medianOf } from './stats.ts';

export type RebuildRow = {
  name: string;
  /** Events of the types the projector reads (what its handler gets). */
  handled: number;
  seconds: number;
  /** Whole-log events per second: a rebuild reads every event, its types or not. */
  eventsPerSecond: number;
};

export type RebuildResult = {
  logEvents: number;
  rows: RebuildRow[];
  all: { seconds: number; eventsPerSecond: number };
  sequentialRead: { seconds: number; eventsPerSecond: number };
  decodedRead: { seconds: number; eventsPerSecond: number };
};

/** Reads the whole log as the projectors do (keyset on (transaction id, position), 2000 a batch), decoding nothing. */
async function sequentialRead(pool: Pool) {
  let after: Checkpoint = START;
  let n = 0;
  const started = performance.now();
  for (;;) {
    const { rows } = await pool.query<{ transaction_id: string; global_position: number }>(
      `SELECT global_position, transaction_id::text AS transaction_id, stream_id, stream_version, type, schema_version,
              data, metadata, recorded_at FROM events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.global_position LIMIT 2000`,
      [after.transactionId, after.position],
    );
    if (rows.length === 0) break;
    n += rows.length;
    const last = rows[rows.length - 1]!;
    after = { transactionId: last.transaction_id, position: last.global_position };
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, eventsPerSecond: n / seconds };
}

async function decodedRead(store: EventStore) {
  let after: Checkpoint = START;
  let n = 0;
  const started = performance.now();
  for (;;) {
    const batch = await store.readAll(after, { limit: 2000 });
    if (batch.checkpoint === after) break;
    n += batch.events.length;
    after = batch.checkpoint;
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, eventsPerSecond: n / seconds };
}

export async function benchRebuild(
  pool: Pool,
  store: EventStore,
  projectors: Projector[],
  runs: number,
  log: (msg: string) => void,
): Promise<RebuildResult> {
  await ensureCheckpoints(pool, projectors);
  const { rows: countRows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  const logEvents = countRows[0]!.n;
  const seq = await medianOf(runs, () => sequentialRead(pool));
  log(
    `  sequential read of ${logEvents.toLocaleString('en-US')} events: ${Math.round(seq.eventsPerSecond).toLocaleString('en-US')} ev/s`,
  );
  const dec = await medianOf(runs, () => decodedRead(store));
  log(`  read + decode (store.readAll): ${Math.round(dec.eventsPerSecond).toLocaleString('en-US')} ev/s`);
  const rows: RebuildRow[] = [];
  for (const p of projectors) {
    const { rows: h } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE type = ANY($1)',
      [p.eventTypes],
    );
    const m = await medianOf(runs, async () => {
      const started = performance.now();
      await rebuildProjector(pool, store, p);
      return { seconds: (performance.now() - started) / 1000 };
    });
    rows.push({ name: p.name, handled: h[0]!.n, seconds: m.seconds, eventsPerSecond: logEvents / m.seconds });
    log(
      `  rebuild ${p.name.padEnd(17)} ${m.seconds.toFixed(1).padStart(6)} s  ` +
        `${Math.round(logEvents / m.seconds)
          .toLocaleString('en-US')
          .padStart(8)} ev/s (${h[0]!.n.toLocaleString('en-US')} handled)`,
    );
  }
  const total = rows.reduce((s, r) => s + r.seconds, 0);
  return {
    logEvents,
    rows,
    all: { seconds: total, eventsPerSecond: logEvents / total },
    sequentialRead: seq,
    decodedRead: dec,
  };
}
