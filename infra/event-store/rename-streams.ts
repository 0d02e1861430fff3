import type { PoolClient } from '../db/pool.ts';

export type StreamRename = { from: string; to: string };

/**
 * Gives streams new ids, inside the caller's transaction. This is the one change ever made to stored events, for
 * stream ids that must not stay as they are (one that gives away personal data): only `stream_id` changes, in
 * `events` and `streams`; data, metadata, positions, versions and transaction ids stay, so no reader sees a new
 * event and no checkpoint moves. Backups taken before still hold the old ids: take a new one and expire those.
 *
 * The events table refuses UPDATE by trigger. The trigger is disabled around this one statement and enabled again
 * before the transaction ends: DDL is transactional, so no other session ever sees it disabled, and the lock that
 * ALTER TABLE takes (SHARE ROW EXCLUSIVE) keeps every append out until the commit while reads go on.
 */
export async function renameStreams(client: PoolClient, renames: StreamRename[]): Promise<void> {
  if (renames.length === 0) return;
  const from = renames.map((r) => r.from);
  const to = renames.map((r) => r.to);
  if (new Set(from).size !== from.length || new Set(to).size !== to.length) {
    throw new Error('renameStreams: a stream is named twice');
  }
  // Outside a transaction each statement would commit on its own, the disabled trigger with it.
  const xact = 'SELECT pg_current_xact_id()::text AS id';
  const [first, second] = [await client.query(xact), await client.query(xact)];
  if (first.rows[0].id !== second.rows[0].id) throw new Error('renameStreams runs inside a transaction only');
  await client.query('ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete');
  const { rows: taken } = await client.query<{ stream_id: string }>(
    'SELECT stream_id FROM streams WHERE stream_id = ANY($1) LIMIT 1',
    [to],
  );
  if (taken[0]) throw new Error(`renameStreams: the stream ${taken[0].stream_id} exists already`);
  await client.query(
    `UPDATE events e SET stream_id = r.to_id FROM unnest($1::text[], $2::text[]) AS r(from_id, to_id)
      WHERE e.stream_id = r.from_id`,
    [from, to],
  );
  await client.query(
    `UPDATE streams s SET stream_id = r.to_id FROM unnest($1::text[], $2::text[]) AS r(from_id, to_id)
      WHERE s.stream_id = r.from_id`,
    [from, to],
  );
  await client.query('ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete');
}
