// `events import`: an export of the event log (event-log-file.ts) loaded into a new, empty database and projected
// into its read models, all in one transaction, so that a refusal or any failure leaves the database as it was.
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import readline from 'node:readline';
import { z } from 'zod';
import type { DataUpgrade, Pool, PoolClient } from '../../infra/db/index.ts';
import {
  type EventCatalog,
  type EventStore,
  KEYED_HASH_SUBJECTS,
  type StoredEvent,
  UndecodableEventError,
} from '../../infra/event-store/index.ts';
import { lockCheckpoint, type Projector } from '../../infra/projections/index.ts';
import { PAGE, type Progress } from './event-log-file.ts';
import { importKeys } from './personal-data-keys-file.ts';

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
  if (!catalog.has(e.type)) {
    throw fail(`unknown event type ${e.type}: import with the version of SkillSwap that exported it`);
  }
  const definition = catalog.get(e.type);
  if (e.schemaVersion > definition.version) {
    throw fail(
      `${e.type} v${e.schemaVersion} is newer than this SkillSwap knows (v${definition.version}): ` +
        'import with the version that exported it',
    );
  }
  seen.position = e.globalPosition;
  seen.versions.set(e.streamId, e.streamVersion);
  if (definition.personal) seen.personal++;
}

/**
 * Loads an export into a database whose log is empty, and projects it into every read model, in one transaction:
 * a bad line, an event whose data its schema refuses, or an event a read model cannot project fails the import
 * with the line's number, and the rollback leaves the database as empty as it was.
 *
 * Events are inserted a batch at a time and each batch is handed at once to every read model's `handle`, read back
 * with readOwnWrites (upcast, personal data opened, checked by the schema): the runner's readAll would not show
 * them before the commit. So the file is read once, never held in memory, and the read models are exactly those a
 * running server would have built. The positions, stream versions, schema versions, metadata and recorded_at of
 * the file are kept; the streams table is rebuilt from the events; every consumer's checkpoint moves to the head
 * in the same transaction (read models: projected; reactors: their reactions are history and are not run again).
 * A log with personal data needs its key file, or an explicit `withoutKeys` (every member then reads as erased).
 * The data upgrades run again over the loaded log, in the same transaction: it may have been exported before them.
 */
export async function importEvents(
  pool: Pool,
  file: string,
  options: {
    store: EventStore;
    readModels: Projector[];
    reactors: string[];
    upgrades?: DataUpgrade[];
    keysFile?: string | undefined;
    withoutKeys?: boolean;
    onProgress?: Progress;
  },
) {
  const { store, readModels } = options;
  const { size } = await fs.stat(file);
  if (options.keysFile) await fs.access(options.keysFile);
  const onProgress = options.onProgress ?? (() => {});
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Appends wait for the import to finish; a second import waits and then finds the log not empty.
    await client.query('LOCK TABLE events, streams IN SHARE ROW EXCLUSIVE MODE');
    await refuseNonEmpty(client, readModels);
    // The keys first: the read models are given the events with their personal data opened. A keyed-hash key
    // made here already (a sign-in attempt makes one) keys nothing that lasts: the key file's own takes its place
    // (without one, a new one is made on first use).
    await client.query('DELETE FROM personal_data_keys WHERE subject LIKE $1', [KEYED_HASH_SUBJECTS]);
    const keys = options.keysFile ? await importKeys(client, options.keysFile) : 0;
    const seen = { position: 0, versions: new Map<string, number>(), personal: 0 };
    const projected = new Map(readModels.map((p) => [p.name, 0]));
    let batch: { text: string; lineNo: number; position: number }[] = [];
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
        [`[${batch.map((b) => b.text).join(',')}]`],
      );
      await projectBatch(client, store, readModels, batch, projected);
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
      checkLine(text, lineNo, seen, store.catalog);
      if (seen.personal > 0 && !options.keysFile && !options.withoutKeys) {
        throw new ImportError(
          `line ${lineNo}: the log holds personal data, encrypted with keys kept apart from it: give their file ` +
            'with --keys <file> (written by events export --keys), or --without-keys to restore every member as erased',
        );
      }
      batch.push({ text, lineNo, position: seen.position });
      if (batch.length >= PAGE) await flush();
    }
    await flush();
    const head = seen.position;
    if (head > 0) {
      // The identity sequence must continue after the imported positions, or the next append collides.
      await client.query(`SELECT setval(pg_get_serial_sequence('events', 'global_position'), $1)`, [head]);
      await client.query(
        'INSERT INTO streams (stream_id, version) SELECT stream_id, max(stream_version) FROM events GROUP BY stream_id',
      );
      for (const upgrade of options.upgrades ?? []) await upgrade.run(client);
      const names = [...readModels.map((p) => p.name), ...options.reactors];
      // A running server's runner that read its checkpoint before this commit must not project the log again:
      // it takes the same locks, so it reads the new checkpoints once this transaction ends.
      for (const name of names) await lockCheckpoint(client, name);
      await client.query(
        `INSERT INTO projection_checkpoints (name, transaction_id, position)
           SELECT unnest($1::text[]), pg_current_xact_id(), $2
         ON CONFLICT (name) DO UPDATE
           SET transaction_id = excluded.transaction_id, position = excluded.position, status = 'running',
               last_error = NULL, updated_at = now()`,
        [names, head],
      );
      await client.query(`SELECT pg_notify('skillswap_events', '')`);
    }
    await client.query('COMMIT');
    return { events, head, keys, projected };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Only into a new database: an empty log, no keys, and read models with no rows of their own. */
async function refuseNonEmpty(client: PoolClient, readModels: Projector[]) {
  const { rows } = await client.query<{ head: number | null; other: boolean }>(
    `SELECT (SELECT max(global_position) FROM events) AS head,
            EXISTS (SELECT 1 FROM streams)
            OR EXISTS (SELECT 1 FROM personal_data_keys WHERE subject NOT LIKE $1) AS other`,
    [KEYED_HASH_SUBJECTS],
  );
  if (rows[0]!.head !== null || rows[0]!.other) {
    throw new ImportError(
      `the database is not empty (its event log reaches position ${rows[0]!.head ?? 0}): ` +
        'import only into a new, empty database',
    );
  }
  for (const table of readModels.flatMap((p) => p.tables)) {
    const { rowCount } = await client.query(`SELECT 1 FROM "${table}" LIMIT 1`);
    if (rowCount) {
      throw new ImportError(
        `the database is not empty (the read-model table ${table} has rows): import only into a new, empty database`,
      );
    }
  }
}

/**
 * Hands one inserted batch to every read model, as the runner would: each projector gets the events of its types,
 * in log order. A failure names the lines: an event that does not decode its own, a projector's the batch's.
 */
async function projectBatch(
  client: PoolClient,
  store: EventStore,
  readModels: Projector[],
  batch: { lineNo: number; position: number }[],
  projected: Map<string, number>,
) {
  let events: StoredEvent[];
  try {
    events = await store.readOwnWrites(client, {
      after: batch[0]!.position - 1,
      upTo: batch[batch.length - 1]!.position,
    });
  } catch (err) {
    if (!(err instanceof UndecodableEventError)) throw err;
    const line = batch.find((b) => b.position === err.globalPosition)?.lineNo;
    throw new ImportError(`line ${line}: ${err.message}`);
  }
  for (const projector of readModels) {
    const types = new Set(projector.eventTypes);
    const mine = events.filter((e) => types.has(e.type));
    if (mine.length === 0) continue;
    try {
      await projector.handle(client, mine);
    } catch (err) {
      throw new ImportError(
        `lines ${batch[0]!.lineNo} to ${batch[batch.length - 1]!.lineNo}: projecting into ${projector.name} ` +
          `failed: ${(err as Error).message}`,
      );
    }
    projected.set(projector.name, (projected.get(projector.name) ?? 0) + mine.length);
  }
}
