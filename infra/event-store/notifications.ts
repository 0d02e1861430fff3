import pg from 'pg';

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
  onError: (err: Error) => void = () => {},
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
  let closed = false;

  const connect = async () => {
    const c = new pg.Client({ connectionString: url, application_name: 'skillswap-listener' });
    c.on('notification', wakeAll);
    c.on('error', (err) => {
      onError(err);
      // Reconnect after a lost connection; until then the polling fallback keeps everyone moving.
      if (!closed) setTimeout(() => connect().catch(onError), 1000);
    });
    await c.connect();
    // The NOTIFYs sent from here need no durability (a lost one is covered by polling): no WAL flush wait.
    await c.query('SET synchronous_commit TO off');
    await c.query('LISTEN skillswap_events');
    client = c;
    wakeAll();
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
      if (!client) throw new Error('the event listener connection is down');
      await client.query(`SELECT pg_notify('skillswap_events', '')`);
    },
    close: async () => {
      closed = true;
      wakeAll();
      await client?.end().catch(() => {});
    },
  };
}
