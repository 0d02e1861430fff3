// The event log as a file: one JSON object per line (NDJSON), in global-position order, exactly as stored (schema
// versions are NOT upcast, data and metadata are PostgreSQL's own jsonb text, recordedAt keeps its microseconds),
// so that an import gives back the same log, byte for byte, but for the transaction ids.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import type { Pool } from '../../infra/db/index.ts';
import { countKeys, exportKeys } from './personal-data-keys-file.ts';

/** Lines per page of the export and per batch of the import. */
export const PAGE = 1000;

/** What one line holds, for readers of the format; the export writes it from SQL, the import reads it with zod
 * (event-log-import.ts). */
export type EventLine = {
  globalPosition: number;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
  recordedAt: string;
};

// json_build_object keeps key order and embeds the jsonb columns as their text: no JS number ever rounds them.
const LINE_SQL = `json_build_object(
    'globalPosition', global_position, 'streamId', stream_id, 'streamVersion', stream_version, 'type', type,
    'schemaVersion', schema_version, 'data', data, 'metadata', metadata,
    'recordedAt', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text`;

export type Progress = (done: number, total: number) => void;

/**
 * Writes every committed event to `file`, from one snapshot (REPEATABLE READ: events committed meanwhile wait for
 * the next backup) in keyset pages, never the whole table in memory. The file appears under its name only once
 * complete and synced; an existing file is never overwritten. The personal-data keys of the same snapshot go to
 * `keysFile` when one is named, never into the log file.
 */
export async function exportEvents(
  pool: Pool,
  file: string,
  options: { keysFile?: string | undefined; onProgress?: Progress } = {},
) {
  const onProgress = options.onProgress ?? (() => {});
  if (existsSync(file)) throw new Error(`${file} already exists: choose another name or remove it first`);
  const partial = `${file}.partial`;
  const out = await fs.open(partial, 'wx');
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ total: number; head: number }>(
      'SELECT count(*) AS total, coalesce(max(global_position), 0) AS head FROM events',
    );
    const { total, head } = rows[0]!;
    let after = 0;
    let written = 0;
    onProgress(0, total);
    for (;;) {
      const page = await client.query<{ position: number; line: string }>(
        `SELECT global_position AS position, ${LINE_SQL} AS line FROM events
          WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
        [after, PAGE],
      );
      if (page.rows.length === 0) break;
      await out.write(page.rows.map((r) => `${r.line}\n`).join(''));
      after = page.rows[page.rows.length - 1]!.position;
      written += page.rows.length;
      onProgress(written, total);
    }
    const keys = options.keysFile ? await exportKeys(client, options.keysFile) : 0;
    const keysLeftOut = options.keysFile ? 0 : await countKeys(client);
    await client.query('COMMIT');
    await out.sync();
    await out.close();
    await fs.rename(partial, file);
    return { events: written, head, keys, keysLeftOut };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    await out.close().catch(() => {});
    await fs.rm(partial, { force: true });
    throw err;
  } finally {
    client.release();
  }
}
