import type { PoolClient } from '../db/pool.ts';

/**
 * Holds a consumer's checkpoint for the rest of the transaction: its runner's batches and a rebuild's final swap
 * take turns. An advisory lock rather than SELECT … FOR UPDATE: a row lock gives the transaction an id at once,
 * and every open transaction with an id holds every reader's watermark back until it ends.
 */
export async function lockCheckpoint(client: PoolClient, name: string) {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [checkpointLockKey(name)]);
}

/** The advisory lock's key text (the runner sends it inline, with its BEGIN: projectBatch). */
export const checkpointLockKey = (name: string) => `skillswap:checkpoint:${name}`;

/**
 * The advisory lock (session-level, on the runner's lock connection) that makes one process across the database
 * the runner of a consumer. Whoever holds it is running that consumer; nobody holding it means no server runs it.
 */
export const projectorLockKey = (name: string) => `skillswap:projector:${name}`;
