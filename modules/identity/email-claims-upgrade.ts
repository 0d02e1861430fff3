import { createHash, randomUUID } from 'node:crypto';
import type { DataUpgrade, PoolClient } from '../../infra/db/index.ts';
import {
  createCatalog,
  openPersonalData,
  renameStreams,
  type StreamRename,
} from '../../infra/event-store/index.ts';
import { blockedSignupOf, claimStreamOf, emailHasher, normalizeEmail } from './email.ts';
import { identityEvents } from './events.ts';

// Email claims were named `email-<sha256(address)>`, and blocked sign-ups and the login-failure throttle were keyed
// by the same unsalted hash: whoever holds the log can hash an address and find out whether it is, or was, a
// member's. They are keyed by an HMAC now (email.ts). This upgrade moves what exists over, once, at start (after
// the migrations) and again after an import, over the imported log:
// - a claim whose member still has a key: their MemberSignedUp holds the address, encrypted; decrypted, it gives
//   the new stream id (checked against the old hash first).
// - a claim none of whose members has a key any more (erased, or restored without keys): the address is
//   unknowable, and free (an erased member's claim ends with EmailReleased). Its new id is random and reveals
//   nothing.
// - blocked sign-ups are keyed again the same way; those of members without a key are dropped, as nothing can
//   recognise their address any more. Login-failure counts under the old hash are deleted (they last 15 minutes).
// The log is append-only: renaming stream ids is the single exception (infra/event-store/rename-streams.ts),
// chosen over leaving the hashes in place because an id cannot be erased in any other way; event data is never
// touched.

const OLD_CLAIM = /^email-([0-9a-f]{64})$/;
const OLD_CLAIM_SQL = '^email-[0-9a-f]{64}$';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The address each member signed up with, for those whose key still exists. */
async function addressesOf(client: PoolClient, memberIds: string[]): Promise<Map<string, string>> {
  if (memberIds.length === 0) return new Map();
  const { rows } = await client.query<{ type: string; data: { memberId: string; email: unknown } }>(
    `SELECT type, data FROM events WHERE stream_id = ANY($1) AND type = 'MemberSignedUp'`,
    [memberIds.map((id) => `member-${id}`)],
  );
  const opened = await openPersonalData(client, createCatalog(identityEvents), rows);
  const addresses = new Map<string, string>();
  for (const { data } of opened) {
    // An erased member's address reads as its placeholder, the empty string.
    if (typeof data.email === 'string' && data.email !== '') {
      addresses.set(data.memberId, normalizeEmail(data.email));
    }
  }
  return addresses;
}

export async function keyEmailClaims(client: PoolClient): Promise<string> {
  const { rows: claims } = await client.query<{ stream_id: string; member_ids: string[] }>(
    `SELECT stream_id, array_agg(DISTINCT data->>'memberId') AS member_ids FROM events
      WHERE stream_id ~ $1 GROUP BY stream_id`,
    [OLD_CLAIM_SQL],
  );
  const { rows: blocked } = await client.query<{ email_hash: string; member_id: string }>(
    'SELECT email_hash, member_id FROM blocked_signups WHERE email_hash ~ $1',
    ['^[0-9a-f]{64}$'],
  );
  const throttled = await client.query(`DELETE FROM throttle_hits WHERE key ~ $1`, [
    '^login-failure:email:[0-9a-f]{64}$',
  ]);
  const reset = `${throttled.rowCount ?? 0} login-failure counts reset`;
  // Nothing keyed the old way (a new database): the key is left to be made on first use.
  if (claims.length === 0 && blocked.length === 0) return `nothing keyed by SHA-256; ${reset}`;
  const memberIds = [
    ...new Set([...claims.flatMap((c) => c.member_ids), ...blocked.map((b) => b.member_id)]),
  ];
  const addresses = await addressesOf(client, memberIds);
  const hash = await emailHasher(client);
  /** The address behind an old hash, from the members who could have used it, or null. */
  const addressFor = (oldHash: string, members: string[]) =>
    members.map((m) => addresses.get(m)).find((a) => a !== undefined && sha256(a) === oldHash) ?? null;

  const renames: StreamRename[] = [];
  let unknowable = 0;
  for (const claim of claims) {
    const address = addressFor(OLD_CLAIM.exec(claim.stream_id)![1]!, claim.member_ids);
    if (address === null) unknowable++;
    renames.push({
      from: claim.stream_id,
      to: address === null ? `email-erased-${randomUUID()}` : claimStreamOf(hash(address)),
    });
  }
  await renameStreams(client, renames);

  let dropped = 0;
  for (const row of blocked) {
    const address = addressFor(row.email_hash, [row.member_id]);
    if (address === null) {
      dropped++;
      await client.query('DELETE FROM blocked_signups WHERE email_hash = $1', [row.email_hash]);
    } else {
      await client.query('UPDATE blocked_signups SET email_hash = $2 WHERE email_hash = $1', [
        row.email_hash,
        blockedSignupOf(hash(address)),
      ]);
    }
  }
  return (
    `${renames.length - unknowable} email claims keyed by HMAC, ${unknowable} of erased members renamed at ` +
    `random; ${blocked.length - dropped} blocked sign-ups keyed by HMAC, ${dropped} of erased members dropped; ` +
    reset
  );
}

export const emailClaimsKeyed: DataUpgrade = {
  name: 'identity: email claims keyed by HMAC',
  run: keyEmailClaims,
};
