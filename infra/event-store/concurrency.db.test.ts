import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, migrate, type Pool, type PoolClient, withTransaction } from '../db/index.ts';
import { createTestDatabase } from '../testing/database.ts';
import {
  type AppendSignal,
  type Checkpoint,
  ConcurrencyError,
  createCatalog,
  createEventStore,
  defineEvent,
  type EventStore,
  isAtOrPast,
  listenForAppends,
  START,
  type StoredEvent,
  subscribe,
} from './index.ts';

// REPEAT=20 runs the stress test 20 times in a row (vitest `repeats`); any failed run fails the test. Without it,
// `npx vitest run infra/event-store/concurrency --repeats 19` does the same for every test of this file.
const RUNS = process.env.REPEAT ? Math.max(1, Number(process.env.REPEAT)) : undefined;
const WRITERS = 16;
const OPS_PER_WRITER = 24; // four rounds of the six kinds of writes below
const EVENTS_PER_WRITER = 4 * (1 + 1 + 1 + 2 + 1 + 0); // what each kind commits

const catalog = createCatalog([defineEvent('NoteAdded', 1, z.object({ text: z.string() }))]);
const note = (text: string) => [{ type: 'NoteAdded', data: { text } }];
type Seen = { position: number; transactionId: string; streamId: string; streamVersion: number };
const seenOf = ({ globalPosition: position, transactionId, streamId, streamVersion }: StoredEvent): Seen => ({
  ...{ position, transactionId, streamId, streamVersion },
});
const compare = (a: Seen, b: Seen) => {
  const [x, y] = [BigInt(a.transactionId), BigInt(b.transactionId)];
  return x === y ? a.position - b.position : x < y ? -1 : 1;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let url: string;
let pool: Pool; // the writers' connections
let readerPool: Pool; // the subscriber's and the test's own reads, so that writers never starve them
let store: EventStore;
let readerStore: EventStore;
let signal: AppendSignal;

beforeAll(async () => {
  url = await createTestDatabase();
  pool = createPool(url, { max: 20 });
  readerPool = createPool(url, { max: 4 });
  await migrate(pool);
  store = createEventStore(pool, catalog);
  readerStore = createEventStore(readerPool, catalog);
  signal = await listenForAppends(url);
});
afterAll(async () => {
  await signal.close();
  await Promise.all([pool.end(), readerPool.end()]);
});

/** Where a reader stands once it has read everything readable now. */
async function endOfLog(): Promise<Checkpoint> {
  let checkpoint = START;
  for (;;) {
    const next = (await readerStore.readAll(checkpoint, { limit: 1000 })).checkpoint;
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
    const batch = await readerStore.readAll(checkpoint, { limit });
    events.push(...batch.events);
    if (batch.checkpoint === checkpoint) await sleep(20);
    checkpoint = batch.checkpoint;
  }
  return events;
}

const inTransaction = (fn: (c: PoolClient) => Promise<unknown>) => withTransaction(pool, fn);
const streamVersion = async (db: Pick<Pool, 'query'>, streamId: string) =>
  (await db.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [streamId]))
    .rows[0]?.version ?? 0;

describe('reading the log while transactions commit out of order', () => {
  let gapRun = 0;
  it('withholds a committed event while an older transaction that appended before it is open', async () => {
    // Given a live subscriber at the end of the log
    const [streamA, streamB] = [`gap${++gapRun}-a`, `gap${gapRun}-b`];
    const from = await endOfLog();
    const delivered: string[] = [];
    const sub = subscribe(readerStore, signal, from, (e) => void delivered.push(e.streamId), { pollMs: 50 });
    const a = await pool.connect();
    try {
      // When transaction A appends and stays open, and B appends after it and commits first
      await a.query('BEGIN');
      const first = await store.append(streamA, 0, note('A'), { client: a });
      const second = await store.append(streamB, 0, note('B'));
      expect(second.checkpoint.position).toBeGreaterThan(first.checkpoint.position);
      expect(await store.readStream(streamB)).toHaveLength(1); // B is committed and visible...

      // Then neither readAll nor the subscriber hands out B while A could still land before it
      const during = await readerStore.readAll(from, { limit: 100 });
      expect(during.events).toEqual([]);
      expect(during.checkpoint).toEqual(from);
      await sleep(200);
      expect(delivered).toEqual([]);
      await a.query('COMMIT');

      // And once A commits, both come back: A first, then B
      expect((await readUntil(from, 2)).map((e) => e.streamId)).toEqual([streamA, streamB]);
      for (let i = 0; i < 200 && delivered.length < 2; i++) await sleep(25);
      expect(delivered).toEqual([streamA, streamB]);
    } finally {
      await a.query('ROLLBACK'); // a no-op after COMMIT; ends the transaction when an expectation failed
      a.release();
      await sub.stop();
    }
  });
});

let run = 0;

describe('many writers, one live subscriber', () => {
  it(`delivers every committed event exactly once and in order${RUNS ? ` (${RUNS} runs)` : ''}`, {
    repeats: RUNS && RUNS - 1,
  }, async () => {
    const prefix = `run${++run}-`;
    const hot = `${prefix}hot`;
    const from = await endOfLog();
    const seen: Seen[] = [];
    const sub = subscribe(readerStore, signal, from, (e) => void seen.push(seenOf(e)), {
      batchSize: 25,
      pollMs: 100,
    });
    const stats = { lateCommits: 0, rolledBack: 0, retries: 0 };

    async function appendToHot(text: string) {
      for (;;) {
        try {
          return await store.append(hot, await streamVersion(pool, hot), note(text));
        } catch (err) {
          if (!(err instanceof ConcurrencyError)) throw err;
          stats.retries++;
        }
      }
    }

    async function writer(w: number) {
      const own = `${prefix}w${w}`;
      let version = 0;
      for (let i = 0; i < OPS_PER_WRITER; i++) {
        const text = `w${w}-op${i}`;
        switch ((w + i) % 6) {
          case 0: // a plain append to a stream of its own
            await store.append(own, version, note(text));
            version++;
            break;
          case 1: // the hot stream, retried on conflict
            await appendToHot(text);
            break;
          case 2: // a slow transaction: appends, then sleeps before COMMIT while others commit later positions
            await inTransaction(async (c) => {
              const appended = await store.append(own, version, note(text), { client: c });
              await c.query('SELECT pg_sleep($1)', [0.05 + Math.random() * 0.25]);
              const { rows } = await readerPool.query<{ max: number }>(
                'SELECT max(global_position) AS max FROM events',
              );
              if (rows[0]!.max > appended.checkpoint.position) stats.lateCommits++;
            });
            version++;
            break;
          case 3: // two streams in one transaction: its id is taken before it appends to the hot stream
            for (;;) {
              try {
                await inTransaction(async (c) => {
                  await store.append(own, version, note(text), { client: c });
                  await c.query('SELECT pg_sleep($1)', [Math.random() * 0.02]);
                  await store.append(hot, await streamVersion(c, hot), note(text), { client: c });
                });
                break;
              } catch (err) {
                if (!(err instanceof ConcurrencyError)) throw err;
                stats.retries++;
              }
            }
            version++;
            break;
          case 4: // 'any' to streams that every writer creates at about the same moment
            await store.append(`${prefix}lazy-${Math.floor(i / 6)}`, 'any', note(text));
            break;
          case 5: // a transaction that appends and rolls back: its event must never be delivered
            await inTransaction(async (c) => {
              await store.append(own, version, note(`${text}-rolled-back`), { client: c });
              await c.query('SELECT pg_sleep($1)', [Math.random() * 0.03]);
              throw new Error('roll back');
            }).catch((err: Error) => {
              if (err.message !== 'roll back') throw err;
              stats.rolledBack++;
            });
            break;
        }
      }
    }

    // When 16 writers run at once while the subscriber follows the log
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const seenWhileWriting = seen.length;

    // And the subscriber reaches the last committed event in log order
    const { rows: table } = await readerPool.query<Seen>(
      `SELECT global_position AS position, transaction_id::text AS "transactionId", stream_id AS "streamId",
              stream_version AS "streamVersion"
         FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
        ORDER BY events.transaction_id, events.global_position`,
      [from.transactionId, from.position],
    );
    const last = table.at(-1)!;
    const end = { transactionId: last.transactionId, position: last.position };
    for (let i = 0; i < 400 && !isAtOrPast(sub.checkpoint(), end); i++) await sleep(25);
    await sub.stop();

    // Then the scenario was the intended one: a live subscriber, slow commits behind later positions, rollbacks
    expect(seenWhileWriting).toBeGreaterThan(0);
    expect(stats.lateCommits).toBeGreaterThan(0);
    expect(table.every((e) => e.streamId.startsWith(prefix))).toBe(true);
    expect(stats.rolledBack).toBe(WRITERS * 4);
    expect(table).toHaveLength(WRITERS * EVENTS_PER_WRITER);

    // And every committed event was delivered exactly once
    expect(seen).toHaveLength(table.length);
    expect(new Set(seen.map((e) => e.position)).size).toBe(seen.length);
    const byPosition = (a: Seen, b: Seen) => a.position - b.position;
    expect([...seen].sort(byPosition)).toEqual([...table].sort(byPosition));

    // In strictly increasing (transactionId, globalPosition) order
    const outOfOrder = seen.filter((e, i) => i > 0 && compare(seen[i - 1]!, e) >= 0);
    expect(outOfOrder).toEqual([]);

    // And each stream in version order, 1, 2, 3, ... without holes
    const versions = new Map<string, number[]>();
    for (const e of seen) versions.set(e.streamId, [...(versions.get(e.streamId) ?? []), e.streamVersion]);
    const misordered = [...versions].filter(([, vs]) => vs.some((v, i) => v !== i + 1));
    expect(misordered).toEqual([]);
    expect(versions.get(hot)).toHaveLength(WRITERS * 8);
  });
});
