import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { connectionConfig, type DatabaseTimeouts } from '../db/pool.ts';

/** Reconnects back off from 250 ms to this, so a database that returns is heard again within seconds. */
const RECONNECT_MAX_MS = 4000;

export type AppendSignal = {
  /** How many notifications this process has received: pass it to `wait` to not miss one that came meanwhile. */
  seen: () => number;
  /**
   * Resolves at the next append notification, or after `timeoutMs` (the polling fallback); at once when a
   * notification arrived since `since` (a count from `seen()` taken before the caller last read).
   */
  wait: (timeoutMs: number, since?: number) => Promise<void>;
  /** Wakes every waiter in this process now (an append made here, a rebuild that finished). */
  poke: () => void;
  /**
   * Wakes the projectors of every process (NOTIFY), on this listening connection rather than one of the pool's:
   * an append's announcement never takes a connection from the writers. Rejects while the connection is down.
   */
  notify: () => Promise<void>;
  close: () => Promise<void>;
};

/** One LISTEN connection per process, shared by every subscriber and projector in it. */
export async function listenForAppends(
  url: string,
  options: {
    timeouts?: DatabaseTimeouts;
    /** The connection was lost, or an attempt to make it again failed (the outage log). */
    onLost?: (err: Error) => void;
  } = {},
): Promise<AppendSignal> {
  let waiters: (() => void)[] = [];
  let count = 0;
  const wakeAll = () => {
    count++;
    const current = waiters;
    waiters = [];
    for (const w of current) w();
  };
  let client: pg.Client | null = null;
  let reconnecting = false;
  const closing = new AbortController();

  const connect = async () => {
    const c = new pg.Client(
      connectionConfig(url, {
        applicationName: 'skillswap-listener',
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      }),
    );
    c.on('notification', wakeAll);
    // A connection that is not (or no longer) the current one may still emit: never unheard, never acted on.
    c.on('error', (err) => {
      if (c === client) void reconnect(err);
    });
    c.on('end', () => {
      if (c === client)
        void reconnect(new Error('Connection terminated: the event listener connection ended'));
    });
    try {
      await c.connect();
      // The NOTIFYs sent from here need no durability (a lost one is covered by polling): no WAL flush wait.
      await c.query('SET synchronous_commit TO off');
      await c.query('LISTEN skillswap_events');
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    if (closing.signal.aborted) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    // Appends made while it was away were announced to nobody here: every waiter looks now.
    wakeAll();
  };

  /** Replaces a lost connection, with back-off; meanwhile every wait falls back to its polling. */
  const reconnect = async (err: Error) => {
    if (closing.signal.aborted || reconnecting) return;
    reconnecting = true;
    const lostClient = client;
    client = null;
    lostClient?.end().catch(() => {});
    options.onLost?.(err);
    for (let attempt = 0; !closing.signal.aborted; attempt++) {
      try {
        await sleep(Math.min(RECONNECT_MAX_MS, 250 * 2 ** attempt), undefined, { signal: closing.signal });
        await connect();
        break;
      } catch (e) {
        if (!closing.signal.aborted) options.onLost?.(e as Error);
      }
    }
    reconnecting = false;
  };
  await connect();

  return {
    seen: () => count,
    wait: (timeoutMs, since) =>
      new Promise<void>((resolve) => {
        if (since !== undefined && since !== count) return resolve();
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          resolve();
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(done);
      }),
    poke: wakeAll,
    notify: async () => {
      const c = client;
      if (!c) throw new Error('the event listener connection is down');
      try {
        await c.query(`SELECT pg_notify('skillswap_events', '')`);
      } catch (err) {
        // Timed out on a server that does not answer: this connection is done for, whatever it says later.
        if (isDatabaseUnavailable(err) && c === client) void reconnect(err as Error);
        throw err;
      }
    },
    close: async () => {
      closing.abort();
      wakeAll();
      await client?.end().catch(() => {});
    },
  };
}
