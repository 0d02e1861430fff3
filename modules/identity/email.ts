import type { PoolClient, Queryable } from '../../infra/db/index.ts';
import { type EventStore, keyedHash, keyedHasher } from '../../infra/event-store/index.ts';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** The keyed hash's purpose: its key is `hmac:email` among the personal-data keys. */
const EMAIL_HASH = 'email';

/**
 * An address as a keyed hash (HMAC-SHA-256): streams, throttles and blocklists recognise it without storing it,
 * and without the key (kept with the personal-data keys, not in the log) the hash confirms no address.
 */
export const emailHash = (db: Queryable, email: string) => keyedHash(db, EMAIL_HASH, normalizeEmail(email));

/** The same through the event store, which keeps the keys: what a command handler has (inside `client`'s transaction). */
export const emailHashIn = (store: Pick<EventStore, 'keyedHash'>, email: string, client?: PoolClient) =>
  store.keyedHash(EMAIL_HASH, normalizeEmail(email), client);

/** The same for many addresses with one look-up of the key. */
export async function emailHasher(db: Queryable): Promise<(email: string) => string> {
  const hash = await keyedHasher(db, EMAIL_HASH);
  return (email) => hash(normalizeEmail(email));
}

// Each says `hmac` so that what is keyed so is told apart from what was keyed by the unsalted hash before
// (email-claims-upgrade.ts), which looked the same: 64 hex digits.
/** The stream of the claim on an address. */
export const claimStreamOf = (hash: string) => `email-hmac-${hash}`;
/** An address in blocked_signups (accounts suspended for spam). */
export const blockedSignupOf = (hash: string) => `hmac-${hash}`;
/** The login-failure throttle of an address. */
export const loginFailuresOf = (hash: string) => `login-failure:email-hmac:${hash}`;
