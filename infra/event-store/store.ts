import { type Pool, type PoolClient, type Queryable, withTransaction } from '../db/pool.ts';
import type { EventCatalog } from './catalog.ts';
import { keyedHash, openPersonalData, sealPersonalData } from './personal-data.ts';
import { assertStorable } from './storable.ts';

export type EventMetadata = {
  actorId?: string | null;
  correlationId?: string;
  causationId?: string;
  requestId?: string;
  [key: string]: unknown;
};

export type NewEvent = { type: string; data: unknown; metadata?: EventMetadata };

export type StoredEvent<Data = unknown> = {
  globalPosition: number;
  /** The writing transaction's id (xid8, as a decimal string). */
  transactionId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
};

/** Where a reader of the whole log stands: events are ordered by (transactionId, globalPosition). */
export type Checkpoint = { transactionId: string; position: number };
export const START: Checkpoint = { transactionId: '0', position: 0 };

export function isAtOrPast(checkpoint: Checkpoint, target: Checkpoint): boolean {
  const a = BigInt(checkpoint.transactionId);
  const b = BigInt(target.transactionId);
  return a > b || (a === b && checkpoint.position >= target.position);
}

/** `'any'` skips the check; 0 means the stream must not exist yet; n means it must be at version n. */
export type ExpectedVersion = number | 'any';

/** append_events' "the stream exists, at any version" (migration 0009): fails with NoSuchStream when it does not. */
const EXISTING = Symbol('existing stream');
class NoSuchStream extends Error {}

export class ConcurrencyError extends Error {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  constructor(streamId: string, expectedVersion: ExpectedVersion) {
    super(`stream ${streamId} was changed concurrently (expected version ${expectedVersion})`);
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
  }
}

/** A stored event whose data its type's upcasters and current schema do not accept. */
export class UndecodableEventError extends Error {
  readonly globalPosition: number;
  constructor(globalPosition: number, type: string, schemaVersion: number, cause: unknown) {
    super(`${type} v${schemaVersion} does not match its schema: ${reasonOf(cause)}`, { cause });
    this.globalPosition = globalPosition;
  }
}

/** A zod error as its issues on one line (`field: reason; ...`), any other error as its message. */
function reasonOf(err: unknown): string {
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (!Array.isArray(issues)) return (err as Error).message;
  return issues.map((i) => `${i.path.map(String).join('.') || 'data'}: ${i.message}`).join('; ');
}

export type AppendResult = {
  /** The stream's version after the append: the expected version of the next one. */
  nextExpectedVersion: number;
  /** The position of the last appended event, for read-your-writes waits. */
  checkpoint: Checkpoint;
  events: { globalPosition: number; streamVersion: number }[];
};

type Row = {
  global_position: number;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
};

const COLUMNS =
  'global_position, transaction_id::text AS transaction_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at';

export type EventStore = ReturnType<typeof createEventStore>;

export function createEventStore(
  pool: Pool,
  catalog: EventCatalog,
  /** Sends the NOTIFY after an append on a connection of its own (AppendSignal.notify); else one of the pool's. */
  options: { notify?: () => Promise<unknown> } = {},
) {
  const notify =
    options.notify ??
    (() =>
      pool.query(
        `BEGIN; SET LOCAL synchronous_commit TO off; SELECT pg_notify('skillswap_events', ''); COMMIT`,
      ));
  const toStored = (row: Row): StoredEvent => ({
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    schemaVersion: catalog.has(row.type) ? catalog.get(row.type).version : row.schema_version,
    data: catalog.has(row.type) ? decodeRow(row) : row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  });
  const decodeRow = (row: Row) => {
    try {
      return catalog.decode(row.type, row.schema_version, row.data);
    } catch (err) {
      throw new UndecodableEventError(row.global_position, row.type, row.schema_version, err);
    }
  };

  // Wakes the projectors of every process after an append this store committed itself. Not from inside the
  // appending transaction: there NOTIFY holds PostgreSQL's one notify lock through the commit's WAL flush, so all
  // appends committed one at a time (migration 0008_performance). One NOTIFY at a time, and one more after it if
  // appends committed meanwhile; it needs no durability, so it does not wait for a flush either.
  let notifying = false;
  let notifyAgain = false;
  function announce() {
    if (notifying) {
      notifyAgain = true;
      return;
    }
    notifying = true;
    notify()
      .catch(() => {}) // a closed pool or a lost connection: the listeners' polling covers a missed wake-up
      .finally(() => {
        notifying = false;
        if (notifyAgain) {
          notifyAgain = false;
          announce();
        }
      });
  }
  const committed = (result: AppendResult) => {
    announce();
    return result;
  };

  /**
   * Appends atomically: all events or none, and only if the stream is at `expectedVersion`.
   * Pass a client to append inside a transaction of your own (a reactor appends with its checkpoint). There, a
   * ConcurrencyError (also with 'any') can mean that a younger transaction appended to the stream first: the
   * transaction is aborted and must be redone as a whole, with a fresh transaction id.
   */
  async function append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: NewEvent[],
    options: { metadata?: EventMetadata; client?: PoolClient } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const validated = events.map((e) => catalog.encode(e.type, e.data));
    // Checked as stored, before personal fields are sealed (their ciphertext hides what a projector will see).
    assertStorable(
      streamId,
      events.map((e, i) => ({ type: e.type, data: validated[i]!.data, metadata: e.metadata })),
      options.metadata,
    );
    const sealed = await sealPersonalData(
      options.client ?? pool,
      catalog,
      events.map((e, i) => ({ type: e.type, data: validated[i]!.data })),
    );
    const encoded = validated.map((v, i) => ({ schemaVersion: v.schemaVersion, data: sealed[i] }));
    const run = (db: Queryable, expected: ExpectedVersion | typeof EXISTING) =>
      appendOnce(db, streamId, expected, events, encoded, options.metadata);
    if (options.client) return run(options.client, expectedVersion);
    if (expectedVersion !== 'any') return committed(await run(pool, expectedVersion));
    // 'any' on its own: first appends that race to create a stream take their transaction ids in their speculative
    // INSERT, before they queue on the streams row, so a loser of the race could land at version 2 with an OLDER
    // transaction id than version 1 and be read before it. On an existing stream 'any' is safe in one statement
    // (the id is taken once the row lock is held); a new stream's first append runs in a transaction with the
    // order check of appendOnce, and is redone if it lost that race. So: first as an append to an existing stream
    // (one round trip), and only when there is none yet (SK404) the transaction.
    for (;;) {
      try {
        return committed(await run(pool, EXISTING));
      } catch (err) {
        if (err instanceof ConcurrencyError) continue; // it queued behind a younger append (migration 0009)
        if (!(err instanceof NoSuchStream)) throw err;
      }
      try {
        return await withTransaction(pool, (client) => run(client, 'any'));
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
      }
    }
  }

  async function appendOnce(
    db: Queryable,
    streamId: string,
    expectedVersion: ExpectedVersion | typeof EXISTING,
    events: NewEvent[],
    encoded: { schemaVersion: number; data: unknown }[],
    metadata: EventMetadata | undefined,
  ): Promise<AppendResult> {
    try {
      const { rows } = await db.query<{
        global_position: number;
        stream_version: number;
        transaction_id: string;
      }>(
        `SELECT global_position, stream_version, transaction_id::text AS transaction_id
           FROM append_events($1, $2, $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7)`,
        [
          streamId,
          expectedVersion === 'any' ? null : expectedVersion === EXISTING ? -1 : expectedVersion,
          events.map((e) => e.type),
          encoded.map((e) => e.schemaVersion),
          encoded.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify({ ...metadata, ...e.metadata })),
          // A single statement from the pool commits on its own: it is announced after the commit (committed()).
          db !== pool,
        ],
      );
      const first = rows[0]!;
      const last = rows[rows.length - 1]!;
      // Readers order the log by (transaction id, position), so a stream's events must never go backwards in
      // transaction id. Inside a caller's transaction they can: it may have taken its id (an earlier write, a
      // reactor's checkpoint lock) before a younger transaction appended to this stream and committed. That
      // append would then be read after ours although its version is lower. Refuse it like a version conflict;
      // the DO block aborts the caller's transaction, as SK409 does, so the events cannot be committed anyway.
      // (A single-statement expected-version append from the pool is safe: its id is taken inside append_events
      // when it writes the streams row, and a writer that queued behind a newer one fails the version check.)
      if (db !== pool && first.stream_version > 1) {
        const { rows: behind } = await db.query(
          `SELECT 1 FROM events WHERE stream_id = $1 AND stream_version = $2 AND transaction_id > $3::xid8`,
          [streamId, first.stream_version - 1, first.transaction_id],
        );
        if (behind.length > 0) {
          await db.query(`DO $$ BEGIN RAISE EXCEPTION 'stream order' USING ERRCODE = 'SK409'; END $$`);
        }
      }
      return {
        nextExpectedVersion: last.stream_version,
        checkpoint: { transactionId: last.transaction_id, position: last.global_position },
        events: rows.map((r) => ({ globalPosition: r.global_position, streamVersion: r.stream_version })),
      };
    } catch (err) {
      const code = (err as { code?: string }).code;
      // SK409: the stream moved on; 23505: two first appends to a new stream raced on the unique version.
      if (code === 'SK404') throw new NoSuchStream();
      if (code === 'SK409' || code === '23505')
        throw new ConcurrencyError(streamId, expectedVersion === EXISTING ? 'any' : expectedVersion);
      throw err;
    }
  }

  /** A stream's events in order; `types` and `toVersion` narrow it (a reactor that needs two events of a long one). */
  async function readStream(
    streamId: string,
    db: Queryable = pool,
    options: { types?: string[]; toVersion?: number } = {},
  ): Promise<StoredEvent[]> {
    const { rows } = await db.query<Row>(
      `SELECT ${COLUMNS} FROM events
        WHERE stream_id = $1 AND ($2::text[] IS NULL OR type = ANY($2)) AND ($3::int IS NULL OR stream_version <= $3)
        ORDER BY stream_version`,
      [streamId, options.types ?? null, options.toVersion ?? null],
    );
    return (await openPersonalData(db, catalog, rows)).map(toStored);
  }

  /**
   * Reads the log after `after`, in (transactionId, globalPosition) order, and only events whose transaction is
   * older than every transaction still running: an event that commits later can never land behind a reader.
   */
  async function readAll(
    after: Checkpoint,
    options: { limit?: number; types?: string[]; client?: Queryable } = {},
  ): Promise<{ events: StoredEvent[]; checkpoint: Checkpoint; full: boolean }> {
    const db = options.client ?? pool;
    const limit = options.limit ?? 500;
    // ORDER BY names the table's columns: a bare `transaction_id` would mean the `::text` output column of COLUMNS
    // and sort '10000' before '9999', so a batch that straddles a power of ten re-delivers or skips events.
    const batch = `SELECT ${COLUMNS}, events.transaction_id AS tx FROM events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.global_position
        LIMIT $3`;
    // With types, the batch is the same `limit` events, but only those of the types (and the batch's last event,
    // for the checkpoint) leave the server: a projector of a few types no longer receives and parses the whole log.
    const { rows } = options.types
      ? await db.query<Row & { batch_rows: string }>(
          `WITH batch AS MATERIALIZED (${batch}),
                last AS (SELECT global_position FROM batch ORDER BY tx DESC, global_position DESC LIMIT 1)
           SELECT *, (SELECT count(*) FROM batch) AS batch_rows FROM batch
            WHERE type = ANY($4::text[]) OR global_position = (SELECT global_position FROM last)
            ORDER BY tx, global_position`,
          [after.transactionId, after.position, limit, options.types],
        )
      : await db.query<Row & { batch_rows?: string }>(batch, [after.transactionId, after.position, limit]);
    const lastRow = rows[rows.length - 1];
    const checkpoint = lastRow
      ? { transactionId: lastRow.transaction_id, position: lastRow.global_position }
      : after;
    const wanted = options.types ? new Set(options.types) : null;
    const events = (
      await openPersonalData(
        db,
        catalog,
        rows.filter((r) => !wanted || wanted.has(r.type)),
      )
    ).map(toStored);
    // Whether the batch took all `limit` events: more may be waiting right behind it.
    const full = Number(lastRow?.batch_rows ?? rows.length) >= limit;
    return { events, checkpoint, full };
  }

  /**
   * The events this transaction itself wrote at positions in (after, upTo], as readers will see them once it
   * commits. readAll cannot show them yet (they are above the watermark while the transaction runs), so a writer
   * that must project its own events before it commits (an import) reads them here.
   */
  async function readOwnWrites(client: PoolClient, range: { after: number; upTo: number }) {
    const { rows } = await client.query<Row>(
      `SELECT ${COLUMNS} FROM events
        WHERE global_position > $1 AND global_position <= $2 AND transaction_id = pg_current_xact_id()
        ORDER BY global_position`,
      [range.after, range.upTo],
    );
    return (await openPersonalData(client, catalog, rows)).map(toStored);
  }

  /**
   * The ids of the streams holding an event of one of `types` whose data has `field` equal to `value`, leaving
   * out streams that also hold an event of one of `unless`. For the rare question the log answers best (which
   * sessions does this member hold a seat in?) without a read model, which may trail the asker. It matches the
   * data as stored: name a plain id field, never a personal one (sealed) or one an upcaster changes. An
   * expression index on the field, partial on the types, keeps it quick (migration 0016).
   */
  async function streamsWhere(
    match: { types: string[]; field: string; value: string; unless?: string[] },
    db: Queryable = pool,
  ): Promise<string[]> {
    const { rows } = await db.query<{ stream_id: string }>(
      `SELECT DISTINCT e.stream_id FROM events e
        WHERE e.type = ANY($1::text[]) AND e.data->>$2 = $3
          AND NOT EXISTS (SELECT 1 FROM events x WHERE x.stream_id = e.stream_id AND x.type = ANY($4::text[]))
        ORDER BY e.stream_id`,
      [match.types, match.field, match.value, match.unless ?? []],
    );
    return rows.map((r) => r.stream_id);
  }

  /** The newest committed position: what "caught up" means for a reader of the whole log. */
  async function head(db: Queryable = pool): Promise<{ position: number; checkpoint: Checkpoint }> {
    const { rows } = await db.query<{ global_position: number; transaction_id: string }>(
      `SELECT global_position, transaction_id::text AS transaction_id FROM events
        ORDER BY global_position DESC LIMIT 1`,
    );
    const r = rows[0];
    return r
      ? {
          position: r.global_position,
          checkpoint: { transactionId: r.transaction_id, position: r.global_position },
        }
      : { position: 0, checkpoint: START };
  }

  /**
   * Runs `fn` in one transaction on a connection of the store's pool: the appends and stream reads it makes
   * through `client` commit together or not at all.
   */
  const transaction = <T>(fn: (client: PoolClient) => Promise<T>) => withTransaction(pool, fn);

  /**
   * A keyed hash of personal data (personal-data.ts) under the key the store keeps for `purpose`: for commands,
   * which recognise an address by it (the stream of its claim) and are given the store, not the database.
   */
  const hashKeyed = (purpose: string, value: string, client?: PoolClient) =>
    keyedHash(client ?? pool, purpose, value);

  return {
    append,
    readStream,
    readAll,
    readOwnWrites,
    streamsWhere,
    head,
    transaction,
    keyedHash: hashKeyed,
    catalog,
  };
}
