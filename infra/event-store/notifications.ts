import pg from 'pg';

export type AppendSignal = {
  /** Resolves at the next append notification, or after `timeoutMs` (the polling fallback). */
  wait: (timeoutMs: number) => Promise<void>;
  /** Wakes every waiter in this process now (an append made here, a rebuild that finished). */
  poke: () => void;
  close: () => Promise<void>;
};

/** One LISTEN connection per process, shared by every subscriber and projector in it. */
export async function listenForAppends(url: string, onError: (err: Error) => void = () => {}): Promise<AppendSignal> {
  let waiters: (() => void)[] = [];
  const wakeAll = () => {
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
    await c.query('LISTEN skillswap_events');
    client = c;
    wakeAll();
  };
  await connect();

  return {
    wait: (timeoutMs) =>
      new Promise<void>((resolve) => {
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
    close: async () => {
      closed = true;
      wakeAll();
      await client?.end().catch(() => {});
    },
  };
}
