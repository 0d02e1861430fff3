import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/database.ts';
import { startFaultyLink } from '../testing/proxy.ts';
import { isDatabaseUnavailable } from './errors.ts';
import { createPool, type DatabaseTimeouts, type Pool, releaseClient, withTransaction } from './pool.ts';

// The pool against real faults: connections ended by the server, a server that stops answering (a TCP link
// that holds every byte back), and each of the configured timeouts.

let url: string;
let admin: Pool;
const pools: Pool[] = [];

beforeAll(async () => {
  url = await createTestDatabase();
  admin = createPool(url, { max: 1, applicationName: 'pool-test-admin' });
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => {})));
  await admin.end();
});

const timeouts = (t: Partial<DatabaseTimeouts>): DatabaseTimeouts => ({
  connectMs: 1000,
  statementMs: 0,
  idleInTransactionMs: 0,
  queryMs: 0,
  ...t,
});

function poolFor(target: string, options: Parameters<typeof createPool>[1] = {}) {
  const pool = createPool(target, { max: 1, ...options });
  pools.push(pool);
  return pool;
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('resolved, but a failure was expected');
}

async function until(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe('a pool whose connections fail', () => {
  it('a client checked out for a transaction loses its connection: the error is heard, nothing crashes', async () => {
    const heard: Error[] = [];
    const pool = poolFor(url, { onConnectionError: (err) => heard.push(err) });
    const client = await pool.connect();
    await client.query('BEGIN');
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // The server ends the connection while the app holds it between two statements (what a restart does).
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await until(() => heard.length > 0);
    expect(isDatabaseUnavailable(heard[0])).toBe(true);
    const err = await failure(client.query('SELECT 1'));
    expect(isDatabaseUnavailable(err)).toBe(true);
    releaseClient(client, err);
    // The next query gets a connection of its own.
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('a server that stops answering: a query fails after queryMs, and its connection is not used again', async () => {
    const link = await startFaultyLink(url);
    try {
      const pool = poolFor(link.url, { timeouts: timeouts({ queryMs: 500, connectMs: 700 }) });
      await pool.query('SELECT 1');
      link.stall();
      let started = Date.now();
      const timedOut = await failure(pool.query('SELECT 1'));
      expect(timedOut.message).toBe('Query read timeout');
      expect(isDatabaseUnavailable(timedOut)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
      // Not queued behind the unanswered query on the same connection: a new one is tried, and setting it up
      // times out after connectMs.
      started = Date.now();
      const refused = await failure(pool.query('SELECT 1'));
      expect(refused.message).toBe('timeout expired');
      expect(isDatabaseUnavailable(refused)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
      await link.restore();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await link.close();
    }
  });

  it('a transaction on a server that stops answering fails within queryMs and closes its connection', async () => {
    const link = await startFaultyLink(url);
    try {
      const pool = poolFor(link.url, { timeouts: timeouts({ queryMs: 500 }) });
      await pool.query('SELECT 1');
      link.stall();
      const started = Date.now();
      const err = await failure(withTransaction(pool, (c) => c.query('SELECT 1')));
      expect(isDatabaseUnavailable(err)).toBe(true);
      // No ROLLBACK waited behind the unanswered BEGIN; the connection was closed, not given back.
      expect(Date.now() - started).toBeLessThan(1000);
      expect(pool.totalCount).toBe(0);
      await link.restore();
      expect(await withTransaction(pool, async (c) => (await c.query('SELECT 2 AS two')).rows)).toEqual([
        { two: 2 },
      ]);
    } finally {
      await link.close();
    }
  });

  it('lets a burst wait for a free connection longer than connectMs: as long as a query may take, and more', async () => {
    const pool = poolFor(url, { timeouts: timeouts({ connectMs: 300, queryMs: 1000 }) });
    await pool.query('SELECT 1');
    // The one connection is busy for 600 ms (twice connectMs): the second query waits for it and succeeds.
    const [slow, queued] = await Promise.all([
      pool.query('SELECT pg_sleep(0.6)'),
      pool.query('SELECT 2 AS two'),
    ]);
    expect(slow.rowCount).toBe(1);
    expect(queued.rows).toEqual([{ two: 2 }]);
    // Busy longer than connectMs + queryMs: the waiting one gives up rather than queue on.
    const [, gaveUp] = await Promise.allSettled([
      withTransaction(pool, (c) =>
        c.query('SELECT pg_sleep(0.8)').then(() => c.query('SELECT pg_sleep(0.8)')),
      ),
      pool.query('SELECT 3'),
    ]);
    expect(gaveUp.status === 'rejected' && gaveUp.reason.message).toBe(
      'timeout exceeded when trying to connect',
    );
    expect(gaveUp.status === 'rejected' && isDatabaseUnavailable(gaveUp.reason)).toBe(true);
  });

  it('cancels a statement that runs longer than statementMs, and the connection stays usable', async () => {
    const pool = poolFor(url, { timeouts: timeouts({ statementMs: 200 }) });
    const started = Date.now();
    const err = await failure(pool.query('SELECT pg_sleep(3)'));
    expect(err.code).toBe('57014');
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('ends a session left idle in a transaction longer than idleInTransactionMs, without a crash', async () => {
    const heard: Error[] = [];
    const pool = poolFor(url, {
      timeouts: timeouts({ idleInTransactionMs: 300 }),
      onConnectionError: (e) => heard.push(e),
    });
    const client = await pool.connect();
    await client.query('BEGIN');
    await until(() => heard.length > 0);
    const err = await failure(client.query('SELECT 1'));
    expect(isDatabaseUnavailable(err)).toBe(true);
    releaseClient(client, err);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
