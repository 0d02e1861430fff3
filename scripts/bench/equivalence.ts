// A guard for the set-based projector writes: over the generated log (cancellations, waitlists, promotions,
// renames, reviews, badges …), every projector's tables built from batches of 2000 events (the rebuild just done)
// must equal those built one event at a time, which is the plain, per-event reading of each handler.
import type { Pool } from '../../infra/db/index.ts';
import { type Checkpoint, type EventStore, START } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';

const quote = (ident: string) => `"${ident.replaceAll('"', '""')}"`;

async function hashes(pool: Pool, schema: string, tables: string[]) {
  const out: Record<string, string | null> = {};
  for (const table of tables) {
    const { rows } = await pool.query<{ h: string | null }>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${quote(schema)}.${quote(table)} t`,
    );
    out[table] = rows[0]!.h;
  }
  return out;
}

/** Returns the tables whose contents differ (empty: equivalent). */
export async function checkEquivalence(
  pool: Pool,
  store: EventStore,
  projectors: Projector[],
): Promise<string[]> {
  const differ: string[] = [];
  for (const p of projectors) {
    const schema = 'bench_one_by_one';
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.query(`CREATE SCHEMA ${schema}`);
    for (const t of p.tables)
      await pool.query(`CREATE TABLE ${schema}.${quote(t)} (LIKE public.${quote(t)} INCLUDING ALL)`);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL search_path TO ${schema}, public`);
      let after: Checkpoint = START;
      for (;;) {
        const batch = await store.readAll(after, { limit: 2000, types: p.eventTypes, client });
        if (batch.checkpoint === after) break;
        for (const event of batch.events) await p.handle(client, [event]);
        after = batch.checkpoint;
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const batched = await hashes(pool, 'public', p.tables);
    const single = await hashes(pool, schema, p.tables);
    for (const t of p.tables) if (batched[t] !== single[t]) differ.push(`${p.name}.${t}`);
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  }
  return differ;
}
