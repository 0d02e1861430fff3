import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/pool.ts';
import type { EventCatalog } from './catalog.ts';

// Crypto-shredding. Events are immutable, and a member's personal data in them must still be erasable: each
// personal field is stored encrypted with a key of that member's own (AES-256-GCM, in `personal_data_keys`).
// Erasing the member deletes the key; the ciphertext left in the log (and in backups, WAL, replicas) is noise,
// and reads show the field's placeholder ("Deleted member") from then on.

const PREFIX = 'pd1:';

type Sealed = { subject: string; data: Record<string, unknown> };

function encrypt(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

function decrypt(key: Buffer, sealed: string): unknown {
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
}

async function keysOf(db: Queryable, subjects: string[]): Promise<Map<string, Buffer>> {
  if (subjects.length === 0) return new Map();
  const { rows } = await db.query<{ subject: string; key: Buffer }>(
    'SELECT subject, key FROM personal_data_keys WHERE subject = ANY($1)',
    [[...new Set(subjects)]],
  );
  return new Map(rows.map((r) => [r.subject, r.key]));
}

/** Encrypts the personal fields of events about to be appended, creating the subject's key on first use. */
export async function sealPersonalData(
  db: Queryable,
  catalog: EventCatalog,
  events: { type: string; data: unknown }[],
): Promise<unknown[]> {
  const sealed: (Sealed | null)[] = events.map((e) => {
    const personal = catalog.get(e.type).personal;
    if (!personal) return null;
    const data = e.data as Record<string, unknown>;
    return { subject: String(data[personal.subject]), data };
  });
  const subjects = sealed.filter((s) => s !== null).map((s) => s.subject);
  if (subjects.length === 0) return events.map((e) => e.data);
  const fresh = [...new Set(subjects)];
  await db.query(
    `INSERT INTO personal_data_keys (subject, key) SELECT * FROM unnest($1::text[], $2::bytea[])
     ON CONFLICT (subject) DO NOTHING`,
    [fresh, fresh.map(() => randomBytes(32))],
  );
  const keys = await keysOf(db, subjects);
  return events.map((e, i) => {
    const s = sealed[i];
    if (!s) return e.data;
    // No key although we just made one: the subject was erased meanwhile; nothing personal may be written.
    const key = keys.get(s.subject);
    const fields = catalog.get(e.type).personal!.fields;
    const out: Record<string, unknown> = { ...s.data };
    for (const field of Object.keys(fields)) {
      if (out[field] === undefined) continue;
      out[field] = key ? encrypt(key, out[field]) : fields[field];
    }
    return out;
  });
}

/** Decrypts personal fields of stored rows; without a key (erased) each field reads as its placeholder. */
export async function openPersonalData<R extends { type: string; data: unknown }>(
  db: Queryable,
  catalog: EventCatalog,
  rows: R[],
): Promise<R[]> {
  const subjects: string[] = [];
  for (const r of rows) {
    const personal = catalog.has(r.type) ? catalog.get(r.type).personal : undefined;
    if (personal) subjects.push(String((r.data as Record<string, unknown>)[personal.subject]));
  }
  if (subjects.length === 0) return rows;
  const keys = await keysOf(db, subjects);
  return rows.map((r) => {
    const personal = catalog.has(r.type) ? catalog.get(r.type).personal : undefined;
    if (!personal) return r;
    const data = { ...(r.data as Record<string, unknown>) };
    const key = keys.get(String(data[personal.subject]));
    for (const [field, placeholder] of Object.entries(personal.fields)) {
      const value = data[field];
      if (typeof value !== 'string' || !value.startsWith(PREFIX)) continue;
      data[field] = key ? decrypt(key, value) : placeholder;
    }
    return { ...r, data };
  });
}

/** Erases a subject's personal data for good: its key goes; call inside the transaction that records why. */
export async function shredPersonalData(db: Queryable, subject: string): Promise<void> {
  await db.query('DELETE FROM personal_data_keys WHERE subject = $1', [subject]);
}

// Keyed hashes. Some personal data must be recognised without being kept: an email address names the stream of its
// claim, keys a throttle, bars a sign-up. A plain hash would let anyone holding the log (a backup, an export, a
// replica) confirm that an address is, or was, a member's by hashing it; an HMAC-SHA-256 needs the secret key too.
// The key of each purpose lives with the members' keys, under a subject no member id can take: never in the log or
// the configuration, exported and imported with the key file, so a restored log still recognises its addresses.
const KEYED_HASH_SUBJECT = 'hmac:';

/** The subjects of keyed-hash keys, as a LIKE pattern: they are no person's and name no subject of the log. */
export const KEYED_HASH_SUBJECTS = `${KEYED_HASH_SUBJECT}%`;

/** The hash function of one purpose; its key is made on first use (by whichever caller comes first). */
export async function keyedHasher(db: Queryable, purpose: string): Promise<(value: string) => string> {
  const subject = `${KEYED_HASH_SUBJECT}${purpose}`;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const { rows } = await db.query<{ key: Buffer }>(
      'SELECT key FROM personal_data_keys WHERE subject = $1',
      [subject],
    );
    const key = rows[0]?.key;
    if (key) return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex');
    // Racing first uses: one insert wins, the others do nothing and read the winner's key on the next round.
    await db.query(
      'INSERT INTO personal_data_keys (subject, key) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING',
      [subject, randomBytes(32)],
    );
  }
  throw new Error(`the key of ${subject} could not be made`);
}

/** HMAC-SHA-256 of `value` under the purpose's key, in hex. */
export async function keyedHash(db: Queryable, purpose: string, value: string): Promise<string> {
  return (await keyedHasher(db, purpose))(value);
}
