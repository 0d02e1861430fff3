import { afterAll } from 'vitest';
import { createPool, migrate, withTransaction } from '../db/index.ts';
import type { StoredEvent } from '../event-store/index.ts';
import type { ProjectorOf } from '../projections/index.ts';
import { createTestDatabase } from './database.ts';

type Given<E extends { type: string; data: unknown }> = E & {
  streamId?: string;
  recordedAt?: Date | string;
  /** Who did it (`actorId`) and the rest of the metadata the command wrote; none by default. */
  metadata?: Record<string, unknown>;
};

/**
 * A projector test as a sentence: given these events, expect these rows. The projector runs on a fresh, migrated
 * database of the test file's own, exactly as the runner calls it (one transaction per `given`), without the
 * event store: what is tested is the projector's SQL, not the log.
 *
 *   const spec = await projectorSpec(sessionListings);
 *   await spec.given([{ type: 'SessionScheduled', data: {...} }]);
 *   expect(await spec.rows('SELECT title FROM session_listings')).toEqual([{ title: 'Sourdough' }]);
 */
export async function projectorSpec<E extends { type: string; data: unknown }>(projector: ProjectorOf<E>) {
  const pool = createPool(await createTestDatabase(), { max: 2 });
  afterAll(() => pool.end());
  await migrate(pool);
  let position = 0;
  /** Applies the events in one batch, positions continuing from the previous batch. */
  const given = async (events: Given<E>[]) => {
    const stored: StoredEvent[] = events.map(({ type, data, streamId, recordedAt, metadata }) => {
      position++;
      return {
        globalPosition: position,
        transactionId: String(position),
        streamId: streamId ?? `test-${position}`,
        streamVersion: 1,
        type,
        schemaVersion: 1,
        data,
        metadata: metadata ?? {},
        recordedAt: new Date(recordedAt ?? Date.UTC(2026, 0, 1, 0, 0, position)),
      };
    });
    await withTransaction(pool, (client) => projector.handle(client, stored));
  };
  /** Every row of the projector's tables, as text in a fixed order: to compare two ways to the same events. */
  const snapshot = async () => {
    const tables: Record<string, string[]> = {};
    for (const table of projector.tables) {
      const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY 1`);
      tables[table] = rows.map((r) => r.row);
    }
    return tables;
  };
  /** Empties the projector's tables for the next case; positions start again from 1. */
  const reset = async () => {
    position = 0;
    await pool.query(`TRUNCATE ${projector.tables.join(', ')}`);
  };
  return {
    pool,
    given,
    snapshot,
    reset,
    /**
     * The rows the events leave when given in one batch (runs, written set-based) and when given one event per
     * batch (runs of one), each from empty tables: the two must be equal.
     */
    batchedAndOneByOne: async (events: Given<E>[]) => {
      await reset();
      await given(events);
      const batched = await snapshot();
      await reset();
      for (const event of events) await given([event]);
      return { batched, oneByOne: await snapshot() };
    },
    rows: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await pool.query<R>(sql, params)).rows,
  };
}
