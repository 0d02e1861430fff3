// The personal-data keys (crypto-shredding, infra/event-store/personal-data.ts) as a file of their own, one JSON
// object per line. They never go into the event-log file: erasing a member deletes their key, and that erasure
// reaches a log backup only because the key is not in it. A key file is the short-lived other half of a restore,
// to be kept apart from the log and expired on its own schedule.
import { createReadStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import readline from 'node:readline';
import { z } from 'zod';
import type { PoolClient } from '../../infra/db/index.ts';

const PAGE = 1000;

export class KeyFileError extends Error {}

/** Writes every key visible to `client` (the export's snapshot) to `file`, readable by its owner only. */
export async function exportKeys(client: PoolClient, file: string): Promise<number> {
  if (existsSync(file)) throw new Error(`${file} already exists: choose another name or remove it first`);
  const partial = `${file}.partial`;
  const out = await fs.open(partial, 'wx', 0o600);
  try {
    let after = '';
    let written = 0;
    for (;;) {
      // Subjects are compared in the C collation: keyset paging must agree with PostgreSQL's ORDER BY.
      const { rows } = await client.query<{ subject: string; line: string }>(
        `SELECT subject, json_build_object('subject', subject, 'key', encode(key, 'base64'),
                  'createdAt', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text AS line
           FROM personal_data_keys WHERE subject COLLATE "C" > $1 ORDER BY subject COLLATE "C" LIMIT $2`,
        [after, PAGE],
      );
      if (rows.length === 0) break;
      // encode(..., 'base64') wraps at 76 characters: a key is 44, so a line never breaks.
      await out.write(rows.map((r) => `${r.line}\n`).join(''));
      after = rows[rows.length - 1]!.subject;
      written += rows.length;
    }
    await out.sync();
    await out.close();
    await fs.rename(partial, file);
    return written;
  } catch (err) {
    await out.close().catch(() => {});
    await fs.rm(partial, { force: true });
    throw err;
  }
}

/** How many keys the database holds (an export without --keys says what it left out). */
export async function countKeys(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ n: number }>('SELECT count(*) AS n FROM personal_data_keys');
  return rows[0]!.n;
}

const keyLine = z.object({
  subject: z.string().min(1),
  key: z.base64().refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes in base64'),
  createdAt: z.iso.datetime({ offset: true }),
});

/** Loads a key file inside the import's transaction; a bad line fails it with its line number. */
export async function importKeys(client: PoolClient, file: string): Promise<number> {
  const lines = readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let batch: string[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await client.query(
      `INSERT INTO personal_data_keys (subject, key, created_at)
       SELECT e->>'subject', decode(e->>'key', 'base64'), (e->>'createdAt')::timestamptz
         FROM jsonb_array_elements($1::jsonb) AS e`,
      [`[${batch.join(',')}]`],
    );
    count += batch.length;
    batch = [];
  };
  const seen = new Set<string>();
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    const fail = (why: string) => new KeyFileError(`${file}, line ${lineNo}: ${why}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw fail(`not a complete JSON object (${(err as Error).message}); is the file truncated?`);
    }
    const parsed = keyLine.safeParse(json);
    if (!parsed.success)
      throw fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    if (seen.has(parsed.data.subject)) throw fail(`a second key for ${parsed.data.subject}`);
    seen.add(parsed.data.subject);
    batch.push(text);
    if (batch.length >= PAGE) await flush();
  }
  await flush();
  return count;
}
