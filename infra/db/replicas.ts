import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { type Checkpoint, isAtOrPast } from '../event-store/store.ts';
import type { Logger } from '../logger.ts';
import { isDatabaseUnavailable } from './errors.ts';
import { createPool, type DatabaseTimeouts, type Pool } from './pool.ts';

/**
 * Reads from hot standbys. Only what a read-only request (GET, HEAD) asks with a plain SELECT through the routed
 * pool goes to a replica; transactions, writes, the event store and the projectors always use the primary.
 * Read-your-writes: a member's write leaves its position in a cookie (`skillswap_seen`); that member's reads go
 * to a replica only once its read models there have passed the position, waited for as long as a command waits
 * for the primary's projectors, else they go to the primary. A replica that is down or lags more than
 * `maxLagMs` is skipped until it is back.
 */
export type ReadRequest = {
  readOnly: boolean;
  /** The latest write of this visitor's that a read must see (from the cookie), if any. */
  seen: Checkpoint | null;
  /** The latest write made during this request: the next cookie. */
  wrote: Checkpoint | null;
  /** Where this request's routed reads go, decided once so that they agree with one another. */
  choice?: Promise<pg.Pool>;
};

const requests = new AsyncLocalStorage<ReadRequest>();

/** Runs `fn` (the rest of a request's handling) with `request` as the request read routing sees. */
export const withReadRequest = (request: ReadRequest, fn: () => void) => requests.run(request, fn);

/** A write of this request's, for the visitor's next reads (the cookie). */
export function noteWrite(checkpoint: Checkpoint) {
  const request = requests.getStore();
  if (request && (!request.wrote || isAtOrPast(checkpoint, request.wrote))) request.wrote = checkpoint;
}

export const SEEN_COOKIE = 'skillswap_seen';

export function encodeSeen(c: Checkpoint): string {
  return `${c.transactionId}.${c.position}`;
}

/** A cookie's position, or null for anything that is not one (the cookie is the visitor's to forge: no harm). */
export function decodeSeen(value: string | undefined): Checkpoint | null {
  const m = value ? /^(\d{1,20})\.(\d{1,16})$/.exec(value) : null;
  return m && Number.isSafeInteger(Number(m[2])) ? { transactionId: m[1]!, position: Number(m[2]) } : null;
}

export type ReplicaStatus = { name: string; status: 'up' | 'lagging' | 'down'; lagMs: number | null };

type Replica = {
  name: string;
  pool: pg.Pool;
  status: ReplicaStatus['status'];
  lagMs: number | null;
  checkpoints: Map<string, Checkpoint>;
  polling: Promise<void> | null;
};

export type ReadRouting = {
  /** The primary pool, with plain SELECTs of read-only requests sent to a fresh replica. */
  pool: Pool;
  replicas: () => ReplicaStatus[];
  stop: () => Promise<void>;
};

const POLL_MS = 100;
const WAIT_STEP_MS = 20;

export function createReadRouting(options: {
  primary: Pool;
  urls: string[];
  timeouts: DatabaseTimeouts;
  /** The read-model projectors whose checkpoints a replica must have passed. */
  projectors: () => string[];
  maxLagMs: number;
  waitMs: number;
  log: Logger;
}): ReadRouting {
  const { primary, log } = options;
  const replicas: Replica[] = options.urls.map((url) => {
    const u = new URL(url);
    const replica: Replica = {
      name: `${u.hostname}:${u.port || 5432}`,
      pool: createPool(url, {
        max: 10,
        applicationName: 'skillswap-replica-reads',
        timeouts: options.timeouts,
        onConnectionError: () => setStatus(replica, 'down', null),
      }),
      status: 'down',
      lagMs: null,
      checkpoints: new Map(),
      polling: null,
    };
    return replica;
  });

  function setStatus(r: Replica, status: Replica['status'], lagMs: number | null) {
    if (r.status !== status)
      log[status === 'up' ? 'info' : 'warn']({ replica: r.name, lagMs }, `read replica ${status}`);
    r.status = status;
    r.lagMs = lagMs;
  }

  async function poll(r: Replica) {
    try {
      const { rows } = await r.pool.query<{
        name: string | null;
        transaction_id: string | null;
        position: number | null;
        lag_ms: number | null;
        streaming: boolean;
      }>(
        // Replayed everything it received: no lag, however long ago the last write was. Not streaming (its
        // primary gone, or it is no standby at all): as stale as its last replayed write.
        `SELECT c.name, c.transaction_id::text AS transaction_id, c.position, s.lag_ms, s.streaming
           FROM (SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL
                             WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                             ELSE (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::float8
                        END AS lag_ms,
                        coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false) AS streaming) s
           LEFT JOIN projection_checkpoints c ON true`,
      );
      r.checkpoints = new Map(
        rows
          .filter((row) => row.name !== null)
          .map((row) => [row.name!, { transactionId: row.transaction_id!, position: row.position! }]),
      );
      const lag = rows[0]?.lag_ms ?? null;
      const streaming = rows[0]?.streaming ?? false;
      if (lag === null) setStatus(r, 'down', null);
      else if (!streaming || lag > options.maxLagMs) setStatus(r, 'lagging', lag);
      else setStatus(r, 'up', lag);
    } catch (err) {
      if (!isDatabaseUnavailable(err)) log.warn({ err, replica: r.name }, 'could not read the replica state');
      setStatus(r, 'down', null);
    }
  }

  const refresh = (r: Replica) => {
    r.polling ??= poll(r).finally(() => {
      r.polling = null;
    });
    return r.polling;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const loop = async () => {
    await Promise.all(replicas.map(refresh));
    if (!stopped) {
      timer = setTimeout(loop, POLL_MS);
      timer.unref();
    }
  };
  void loop();

  const fresh = (r: Replica, target: Checkpoint) =>
    options.projectors().every((name) => {
      const c = r.checkpoints.get(name);
      return c !== undefined && isAtOrPast(c, target);
    });

  let next = 0;
  async function choose(request: ReadRequest): Promise<pg.Pool> {
    const up = replicas.filter((r) => r.status === 'up');
    if (up.length === 0) return primary;
    const r = up[next++ % up.length]!;
    const target = request.seen;
    if (!target || fresh(r, target)) return r.pool;
    const deadline = Date.now() + options.waitMs;
    while (Date.now() < deadline) {
      await sleep(WAIT_STEP_MS);
      await refresh(r);
      if (r.status !== 'up') return primary;
      if (fresh(r, target)) return r.pool;
    }
    return primary;
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg.Pool.query's overloads, passed through as they are
  const query = async (...args: any[]) => {
    const request = requests.getStore();
    const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
    const routable =
      request?.readOnly &&
      typeof text === 'string' &&
      /^\s*SELECT\b/i.test(text) &&
      typeof args.at(-1) !== 'function';
    if (!routable) return (primary.query as (...a: unknown[]) => unknown)(...args);
    request.choice ??= choose(request);
    const pool = await request.choice;
    if (pool === primary) return (primary.query as (...a: unknown[]) => unknown)(...args);
    try {
      return await (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
    } catch (err) {
      // A lost replica, or a read cancelled by replay (a recovery conflict, 40001): the primary answers instead.
      const code = (err as { code?: string }).code;
      if (!isDatabaseUnavailable(err) && code !== '40001') throw err;
      const r = replicas.find((x) => x.pool === pool);
      if (r && isDatabaseUnavailable(err)) setStatus(r, 'down', null);
      request.choice = Promise.resolve(primary);
      return (primary.query as (...a: unknown[]) => unknown)(...args);
    }
  };

  const pool = new Proxy(primary, {
    get(target, prop) {
      if (prop === 'query') return query;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  return {
    pool,
    replicas: () => replicas.map((r) => ({ name: r.name, status: r.status, lagMs: r.lagMs })),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all(replicas.map((r) => r.pool.end().catch(() => {})));
    },
  };
}
