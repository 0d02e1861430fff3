import pg from 'pg';
import { isDatabaseUnavailable } from './errors.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint columns (global positions, counts) come back as JS numbers: positions stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** How long a connection may take to do things before it counts as failed; 0 turns a timeout off. */
export type DatabaseTimeouts = {
  /**
   * Setting up a new connection. A request waiting for a free connection of a full pool waits at most this plus
   * `queryMs` (unbounded when either is 0).
   */
  connectMs: number;
  /** Server-side: PostgreSQL cancels a statement running longer (statement_timeout). */
  statementMs: number;
  /** Server-side: PostgreSQL ends a session left idle inside a transaction this long. */
  idleInTransactionMs: number;
  /**
   * Client-side: a query without an answer this long fails and its connection is closed. The one timeout that
   * fires when the server is frozen or the network stalls, where the server's own timeouts never get to run.
   */
  queryMs: number;
};

/**
 * For tools and work that is long by nature (migrations, rebuilds, event import and export): a connection that
 * cannot be made fails, but no statement is cut short. A transaction left open still holds every subscriber's
 * watermark back, so idle ones are ended all the same.
 */
export const LONG_WORK_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 10_000,
  statementMs: 0,
  idleInTransactionMs: 60_000,
  queryMs: 0,
};

/** The same timeouts without the ones that would cut long work short. */
export const forLongWork = (t: DatabaseTimeouts): DatabaseTimeouts => ({ ...t, statementMs: 0, queryMs: 0 });

/**
 * Settings of one connection, for the pool and for the long-lived clients of their own (LISTEN, locks).
 * `pooled`: the URL is a transaction pooler (PgBouncer), which refuses server settings among the connection's
 * parameters and would hand them to whichever client gets the server connection next: the statement and
 * idle-in-transaction timeouts are then the pooler's to set (README, "Behind PgBouncer"), the client-side ones stay.
 */
export function connectionConfig(
  url: string,
  options: { applicationName: string; timeouts?: DatabaseTimeouts; pooled?: boolean },
): pg.ClientConfig {
  const t = options.timeouts ?? LONG_WORK_TIMEOUTS;
  const server = !options.pooled;
  return {
    connectionString: url,
    application_name: options.applicationName,
    connectionTimeoutMillis: t.connectMs,
    // 0 is left out, not sent: node-postgres would send nothing for it anyway, and the server's default applies.
    ...(server && t.statementMs > 0 ? { statement_timeout: t.statementMs } : {}),
    ...(server && t.idleInTransactionMs > 0
      ? { idle_in_transaction_session_timeout: t.idleInTransactionMs }
      : {}),
    ...(t.queryMs > 0 ? { query_timeout: t.queryMs } : {}),
    // A peer that vanished without closing (a host gone, a cable pulled) is noticed by the kernel in time.
    keepAlive: true,
  };
}

export function createPool(
  url: string,
  options: {
    max?: number;
    applicationName?: string;
    timeouts?: DatabaseTimeouts;
    /** The URL is a transaction pooler (connectionConfig). */
    pooled?: boolean;
    /** Each error of a connection, idle or in use: a lost server, mostly (the outage log). */
    onConnectionError?: (err: Error) => void;
  } = {},
): Pool {
  const t = options.timeouts ?? LONG_WORK_TIMEOUTS;
  const config = connectionConfig(url, {
    applicationName: options.applicationName ?? 'skillswap',
    timeouts: t,
    pooled: options.pooled ?? false,
  });
  // node-postgres reads connectionTimeoutMillis for two waits: the pool's, for a free connection of a full pool,
  // and the client's, for setting up a new one. A burst of requests may queue a while for a free connection (as
  // long as one query may take, then a new connection); setting one up that slowly means the server is in trouble.
  const Client = class extends pg.Client {
    constructor(clientConfig?: string | pg.ClientConfig) {
      super({ ...(clientConfig as pg.ClientConfig), connectionTimeoutMillis: t.connectMs });
    }
  };
  const pool = new pg.Pool({
    ...config,
    Client,
    connectionTimeoutMillis: t.connectMs > 0 && t.queryMs > 0 ? t.connectMs + t.queryMs : 0,
    max: options.max ?? 10,
  });
  const onError = (err: Error) => options.onConnectionError?.(err);
  // node-postgres emits 'error' on the pool for an idle client, and on the client itself for one in use (checked
  // out for a transaction, or inside pool.query): with no listener there, a lost connection ends the process. The
  // query that was running fails on its own; the pool drops the client and the next query connects anew.
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/**
 * Gives a client back to its pool, or closes it when it failed for want of the database: after a client-side
 * query timeout the query may still be running on it, and the next user would wait behind it.
 */
export function releaseClient(client: PoolClient, failure?: unknown) {
  client.release(failure instanceof Error && isDatabaseUnavailable(failure) ? failure : undefined);
}

export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: unknown;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failure = err;
    // On a lost or unanswering connection a ROLLBACK would only wait; closing it rolls back on the server.
    if (!isDatabaseUnavailable(err)) await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    releaseClient(client, failure);
  }
}
