import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, migrate, type Pool, withTransaction } from '../db/index.ts';
import { createTestDatabase } from '../testing/database.ts';
import {
  type Checkpoint,
  ConcurrencyError,
  createCatalog,
  createEventStore,
  defineEvent,
  type EventStore,
  START,
  type StoredEvent,
} from './index.ts';

// Readers take the log in (transaction id, position) order. These pin down the two ways that order went wrong:
// a stream's events out of version order, and transaction ids compared as text.

const WRITERS = 16;
const catalog = createCatalog([defineEvent('NoteAdded', 1, z.object({ text: z.string() }))]);
const note = (text: string) => [{ type: 'NoteAdded', data: { text } }];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pool: Pool;
let store: EventStore;

beforeAll(async () => {
  pool = createPool(await createTestDatabase(), { max: 20 });
  await migrate(pool);
  store = createEventStore(pool, catalog);
});
afterAll(() => pool.end());

const inTransaction = (fn: Parameters<typeof withTransaction>[1]) => withTransaction(pool, fn);

/** Where a reader stands once it has read everything readable now. */
async function endOfLog(): Promise<Checkpoint> {
  let checkpoint = START;
  for (;;) {
    const next = (await store.readAll(checkpoint, { limit: 1000 })).checkpoint;
    if (next === checkpoint) return checkpoint;
    checkpoint = next;
  }
}

/** Reads after `from` until `n` events came back (the watermark may be held by another test file's transaction). */
async function readUntil(from: Checkpoint, n: number, limit = 1000): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  const deadline = Date.now() + 5_000;
  let checkpoint = from;
  while (events.length < n && Date.now() < deadline) {
    const batch = await store.readAll(checkpoint, { limit });
    events.push(...batch.events);
    if (batch.checkpoint === checkpoint) await sleep(20);
    checkpoint = batch.checkpoint;
  }
  return events;
}

describe('the order of the log', () => {
  it('keeps each stream in version order when a transaction that took its id early appends behind a younger one', async () => {
    // Given transaction T1 that already has a transaction id (it appended to another stream)
    const from = await endOfLog();
    const t1 = await pool.connect();
    try {
      await t1.query('BEGIN');
      await store.append('early-other', 0, note('t1'), { client: t1 });
      // When a younger transaction appends version 1 of `early-hot` and commits
      await store.append('early-hot', 0, note('t2'));
      // Then T1's append of version 2 is refused: read by (transaction id, position) it would come before version 1
      await expect(store.append('early-hot', 1, note('t1'), { client: t1 })).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      // And T1's transaction is aborted, so the misordered event cannot be committed by a caller that ignores that
      await expect(t1.query('SELECT 1')).rejects.toThrow(/aborted/);
    } finally {
      await t1.query('ROLLBACK');
      t1.release();
    }
    // When T1 is retried as a new transaction, it lands after version 1
    await inTransaction(async (c) => {
      await store.append('early-other', 0, note('t1'), { client: c });
      await store.append('early-hot', 1, note('t1'), { client: c });
    });
    const events = await readUntil(from, 3);
    expect(events.filter((e) => e.streamId === 'early-hot').map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it("keeps version order when 16 'any' appends race to create the same stream", async () => {
    // Given a burst of 16 simultaneous 'any' appends to each of 40 new streams
    const from = await endOfLog();
    const streams = Array.from({ length: 40 }, (_, i) => `race-any-${i}`);
    for (const s of streams) {
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => store.append(s, 'any', note(`w${w}`))));
    }
    // When the log is read, then every stream comes in version order 1..16
    const versions = new Map<string, number[]>();
    for (const e of await readUntil(from, streams.length * WRITERS)) {
      versions.set(e.streamId, [...(versions.get(e.streamId) ?? []), e.streamVersion]);
    }
    const expected = Array.from({ length: WRITERS }, (_, i) => i + 1);
    expect([...versions].filter(([, vs]) => vs.join() !== expected.join())).toEqual([]);
    expect(versions.size).toBe(streams.length);
  });

  it('orders transaction ids as numbers, also where they gain a digit (9999 -> 10000)', async (ctx) => {
    // Given events written by transactions on both sides of the next power of ten of the transaction counter
    const from = await endOfLog();
    const before = [];
    for (let i = 0; i < 3; i++) before.push(await store.append(`digits-${i}`, 'any', note('before')));
    const lastBefore = BigInt(before.at(-1)!.checkpoint.transactionId);
    const boundary = 10n ** BigInt(lastBefore.toString().length);
    const toBurn = boundary - lastBefore;
    if (toBurn > 1_500_000n) ctx.skip(`the next power of ten is ${toBurn} transaction ids away`);
    const burner = await pool.connect();
    try {
      // Every COMMIT in the DO block ends a transaction that took an id: this moves the counter past the boundary.
      await burner.query('SET synchronous_commit TO off');
      await burner.query(
        `DO $$ BEGIN FOR i IN 1..${toBurn} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`,
      );
    } finally {
      await burner.query('RESET synchronous_commit');
      burner.release();
    }
    for (let i = 0; i < 3; i++) await store.append(`digits-${i}`, 'any', note('after'));

    // When the log is read in small batches
    const events = await readUntil(from, 6, 2);

    // Then every event comes once, in numeric transaction order: the text '10000' sorts before '9999'
    expect(BigInt(events.at(-1)!.transactionId)).toBeGreaterThanOrEqual(boundary);
    expect(events.map((e) => (e.data as { text: string }).text)).toEqual([
      ...Array(3).fill('before'),
      ...Array(3).fill('after'),
    ]);
    expect(new Set(events.map((e) => e.globalPosition)).size).toBe(6);
  });
});
