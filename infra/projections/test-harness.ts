import { afterAll, afterEach, beforeAll } from 'vitest';
import { z } from 'zod';
import { createPool, migrate, type Pool } from '../db/index.ts';
import {
  type Checkpoint,
  createCatalog,
  createEventStore,
  defineEvent,
  type EventStore,
  listenForAppends,
  type StoredEvent,
} from '../event-store/index.ts';
import { createLogger } from '../logger.ts';
import { createTestDatabase } from '../testing/database.ts';
import {
  type Consumer,
  createProjectionRunner,
  type Projector,
  projectionStatus,
  type ReactorContext,
} from './index.ts';

// Shared by the projection *.db.test.ts files: a fresh database per file, a small note-counting projector with a
// probe, and "app processes" (a pool, a LISTEN connection and a runner each) that are stopped after every test.

const catalog = createCatalog([
  defineEvent('NoteAdded', 1, z.object({ text: z.string() })),
  defineEvent('Pinged', 1, z.object({})), // not handled by the projector, but its checkpoint moves past it
]);
const log = createLogger({ level: 'silent', pretty: false });
export const note = (text = 'n') => ({ type: 'NoteAdded', data: { text } });
export const notes = (n: number) => Array.from({ length: n }, () => note());
export const ping = () => ({ type: 'Pinged', data: {} });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Probe = { handled: number[]; failWhen: ((e: StoredEvent) => boolean) | null };
type Row = { stream_id: string; count: number };

export function projectionHarness() {
  const db = { url: '', pool: undefined as unknown as Pool, store: undefined as unknown as EventStore };
  const processes: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    db.url = await createTestDatabase();
    db.pool = createPool(db.url);
    await migrate(db.pool);
    db.store = createEventStore(db.pool, catalog);
  });
  afterEach(() => Promise.all(processes.splice(0).map((stop) => stop())).then(() => {}));
  afterAll(() => db.pool.end());

  /** A projector that owns one table of note counts per stream, with a probe to watch and break it. */
  async function noteCounts(table: string): Promise<{ projector: Projector; probe: Probe }> {
    await db.pool.query(`CREATE TABLE ${table} (stream_id text PRIMARY KEY, count integer NOT NULL)`);
    const probe: Probe = { handled: [], failWhen: null };
    const projector: Projector = {
      name: table,
      kind: 'read-model',
      tables: [table],
      eventTypes: ['NoteAdded'],
      async handle(client, events) {
        // Set-based, as a rebuild wants it: one upsert per batch; then the probe may fail the batch after the write.
        const counts = new Map<string, number>();
        for (const e of events) counts.set(e.streamId, (counts.get(e.streamId) ?? 0) + 1);
        await client.query(
          `INSERT INTO ${table} (stream_id, count) SELECT * FROM unnest($1::text[], $2::int[])
           ON CONFLICT (stream_id) DO UPDATE SET count = ${table}.count + excluded.count`,
          [[...counts.keys()], [...counts.values()]],
        );
        const poison = events.find((e) => probe.failWhen?.(e));
        if (poison) throw new Error(`boom at position ${poison.globalPosition}`);
        probe.handled.push(...events.map((e) => e.globalPosition));
      },
    };
    return { projector, probe };
  }

  /**
   * Another app process: its own pool, LISTEN connection and runner. Stopped after each test. `poolUrl` (a
   * FaultyLink's, say) carries the pool only; the LISTEN connection and the projector locks go straight.
   */
  async function startProcess(
    consumers: Consumer[],
    batchSize = 20,
    poolUrl = db.url,
    context?: (store: EventStore, pool: Pool) => ReactorContext,
  ) {
    const pool = createPool(poolUrl, { max: 3 });
    const signal = await listenForAppends(db.url);
    const store = createEventStore(pool, catalog);
    const runner = createProjectionRunner({
      ...{ pool, url: db.url, store, signal, consumers, log },
      ...{ pollMs: 100, takeoverMs: 200, batchSize },
      ...(context ? { context: context(store, pool) } : {}),
    });
    await runner.start();
    let stopping: Promise<void> | null = null;
    const stop = () => {
      stopping ??= runner
        .stop()
        .then(() => signal.close())
        .then(() => pool.end());
      return stopping;
    };
    processes.push(stop);
    return { runner, stop };
  }

  const dump = async (table: string) =>
    (await db.pool.query<Row>(`SELECT stream_id, count FROM ${table} ORDER BY stream_id`)).rows;

  /** What replaying the whole log gives, computed without the projector. */
  const fromLog = async () =>
    (
      await db.pool.query<Row>(
        `SELECT stream_id, count(*)::int AS count FROM events WHERE type = 'NoteAdded' GROUP BY 1 ORDER BY 1`,
      )
    ).rows;

  /** The last event in log order: a projector at it has processed everything committed. */
  async function endOfLog(): Promise<Checkpoint> {
    const { rows } = await db.pool.query<{ tx: string; position: number }>(
      `SELECT transaction_id::text AS tx, global_position AS position FROM events
        ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    );
    return { transactionId: rows[0]!.tx, position: rows[0]!.position };
  }

  const noteAddedPositions = async () =>
    (
      await db.pool.query<{ p: number }>(
        `SELECT global_position AS p FROM events WHERE type = 'NoteAdded' ORDER BY 1`,
      )
    ).rows.map((r) => r.p);

  const statusOf = async (p: Consumer) => (await projectionStatus(db.pool, [p]))[0]!;

  async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await sleep(20);
    }
  }

  return { db, log, noteCounts, startProcess, dump, fromLog, endOfLog, noteAddedPositions, statusOf, until };
}
