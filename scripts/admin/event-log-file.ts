// The event log as a file: one JSON object per line (NDJSON), in global-position order, exactly as stored (schema
// versions are NOT upcast, data and metadata are PostgreSQL's own jsonb text, recordedAt keeps its microseconds),
// so that an import gives back the same log, byte for byte, but for the transaction ids.
import { createReadStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import readline from 'node:readline';
import { z } from 'zod';
import type { Pool } from '../../infra/db/index.ts';
import type { EventCatalog } from '../../infra/event-store/index.ts';
import { countKeys, exportKeys, importKeys } from './personal-data-keys-file.ts';

const PAGE = 1000;

/** What one line holds, for readers of the format; the export writes it from SQL, the import reads it with zod. */
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

const lineSchema = z.object({
  globalPosition: z.number().int().positive(),
  streamId: z.string().min(1),
  streamVersion: z.number().int().positive(),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  data: z.unknown().refine((v) => v !== undefined, 'is missing'),
  metadata: z.record(z.string(), z.unknown()),
  recordedAt: z.iso.datetime({ offset: true }),
});

export class ImportError extends Error {}

/** Checks one line on its own and against the lines before it; the message starts with its line number. */
function checkLine(
  text: string,
  lineNo: number,
  seen: { position: number; versions: Map<string, number>; personal: number },
  catalog: EventCatalog,
) {
  const fail = (why: string) => new ImportError(`line ${lineNo}: ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`not a complete JSON object (${(err as Error).message}); is the file truncated?`);
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) {
    throw fail(parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  if (e.globalPosition <= seen.position) {
    throw fail(
      `globalPosition ${e.globalPosition} does not follow ${seen.position}: lines must be in log order`,
    );
  }
  const expected = (seen.versions.get(e.streamId) ?? 0) + 1;
  if (e.streamVersion !== expected) {
    throw fail(
      `stream ${e.streamId} is at version ${expected - 1}, so the next event must be ${expected}, not ${e.streamVersion}`,
    );
  }
  if (catalog.has(e.type) && e.schemaVersion > catalog.get(e.type).version) {
    throw fail(
      `${e.type} v${e.schemaVersion} is newer than this SkillSwap knows (v${catalog.get(e.type).version}): ` +
        'import with the version that exported it',
    );
  }
  seen.position = e.globalPosition;
  seen.versions.set(e.streamId, e.streamVersion);
  if (catalog.has(e.type) && catalog.get(e.type).personal) seen.personal++;
}

/**
 * Loads an export into a database whose log is empty, in one transaction: every line is checked before the
 * commit, so a bad line (or a non-empty database) leaves the database as it was. Positions, stream versions,
 * schema versions, metadata and recorded_at are kept; the streams table is rebuilt from the events; the named
 * reactors' checkpoints move to the head in the same transaction, so no running server re-runs their reactions.
 * A log with personal data needs its key file, or an explicit `withoutKeys` (every member then reads as erased).
 */
export async function importEvents(
  pool: Pool,
  file: string,
  options: {
    catalog: EventCatalog;
    reactors: string[];
    keysFile?: string | undefined;
    withoutKeys?: boolean;
    onProgress?: Progress;
  },
) {
  const { size } = await fs.stat(file);
  if (options.keysFile) await fs.access(options.keysFile);
  const onProgress = options.onProgress ?? (() => {});
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Appends wait for the import to finish; a second import waits and then finds the log not empty.
    await client.query('LOCK TABLE events, streams IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await client.query<{ head: number | null; other: boolean }>(
      `SELECT (SELECT max(global_position) FROM events) AS head,
              EXISTS (SELECT 1 FROM streams) OR EXISTS (SELECT 1 FROM personal_data_keys) AS other`,
    );
    if (rows[0]!.head !== null || rows[0]!.other) {
      throw new ImportError(
        `the database is not empty (its event log reaches position ${rows[0]!.head ?? 0}): ` +
          'import only into a new, empty database',
      );
    }
    const seen = { position: 0, versions: new Map<string, number>(), personal: 0 };
    let batch: string[] = [];
    let events = 0;
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await client.query(
        `INSERT INTO events (global_position, stream_id, stream_version, type, schema_version, data, metadata,
                             recorded_at)
         OVERRIDING SYSTEM VALUE
         SELECT (e->>'globalPosition')::bigint, e->>'streamId', (e->>'streamVersion')::int, e->>'type',
                (e->>'schemaVersion')::int, e->'data', e->'metadata', (e->>'recordedAt')::timestamptz
           FROM jsonb_array_elements($1::jsonb) AS e`,
        [`[${batch.join(',')}]`],
      );
      events += batch.length;
      batch = [];
      onProgress(bytes, size);
    };
    const lines = readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let lineNo = 0;
    for await (const text of lines) {
      lineNo++;
      bytes += Buffer.byteLength(text) + 1;
      if (text.trim() === '') throw new ImportError(`line ${lineNo}: empty line`);
      checkLine(text, lineNo, seen, options.catalog);
      if (seen.personal > 0 && !options.keysFile && !options.withoutKeys) {
        throw new ImportError(
          `line ${lineNo}: the log holds personal data, encrypted with keys kept apart from it: give their file ` +
            'with --keys <file> (written by events export --keys), or --without-keys to restore every member as erased',
        );
      }
      batch.push(text);
      if (batch.length >= PAGE) await flush();
    }
    await flush();
    const keys = options.keysFile ? await importKeys(client, options.keysFile) : 0;
    const head = seen.position;
    if (head > 0) {
      // The identity sequence must continue after the imported positions, or the next append collides.
      await client.query(`SELECT setval(pg_get_serial_sequence('events', 'global_position'), $1)`, [head]);
    }
    await client.query(
      'INSERT INTO streams (stream_id, version) SELECT stream_id, max(stream_version) FROM events GROUP BY stream_id',
    );
    await client.query(
      `INSERT INTO projection_checkpoints (name, transaction_id, position)
         SELECT unnest($1::text[]), pg_current_xact_id(), $2
       ON CONFLICT (name) DO UPDATE
         SET transaction_id = excluded.transaction_id, position = excluded.position, status = 'running',
             last_error = NULL, updated_at = now()`,
      [options.reactors, head],
    );
    await client.query(`SELECT pg_notify('skillswap_events', '')`);
    await client.query('COMMIT');
    return { events, head, keys };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
