// Loads the generated community into the event store fast enough for a million events: several writers, each on
// its own connection, each appending many streams per transaction through `store.append(…, { client })` (the
// app's catalog validates every event on the way in, as for a command). A stream always goes to the same writer,
// so its expected versions are known without reading; a session's reviews go with the session, so they land
// after it. All members are committed before any session, so no event refers to a member the log lacks yet.
import type { Pool } from '../../infra/db/index.ts';
import type { EventStore } from '../../infra/event-store/index.ts';
import { type Community, type PlannedAppend, planCommunity } from './community.ts';

const WRITERS = 4;
/** Events per transaction: large enough that commits (and their fsyncs) are a small share of the work. */
const BATCH_EVENTS = 2000;

function hash(key: string) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

class Writer {
  private queue: PlannedAppend[] = [];
  private queued = 0;
  private inflight: Promise<void> = Promise.resolve();
  private readonly versions = new Map<string, number>();
  transactions = 0;
  appends = 0;

  private readonly pool: Pool;
  private readonly store: EventStore;

  constructor(pool: Pool, store: EventStore) {
    this.pool = pool;
    this.store = store;
  }

  async push(a: PlannedAppend) {
    this.queue.push(a);
    this.queued += a.events.length;
    if (this.queued >= BATCH_EVENTS) await this.flush();
  }

  /** Starts writing what is queued once the previous batch is in: one batch in flight, the next one filling. */
  async flush() {
    await this.inflight;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.queued = 0;
    this.inflight = this.write(batch);
  }

  async drain() {
    await this.flush();
    await this.inflight;
  }

  private async write(batch: PlannedAppend[]) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const next = new Map<string, number>();
      for (const a of batch) {
        const expected = next.get(a.stream) ?? this.versions.get(a.stream) ?? 0;
        const result = await this.store.append(a.stream, expected, a.events, {
          client,
          metadata: a.metadata,
        });
        next.set(a.stream, result.nextExpectedVersion);
      }
      await client.query('COMMIT');
      for (const [stream, version] of next) this.versions.set(stream, version);
      this.transactions++;
      this.appends += batch.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}

export type Generated = {
  community: Community;
  seconds: number;
  eventsPerSecond: number;
  appends: number;
  transactions: number;
};

export async function generateCommunity(
  pool: Pool,
  store: EventStore,
  targetEvents: number,
  log: (msg: string) => void,
): Promise<Generated> {
  const writers = Array.from({ length: WRITERS }, () => new Writer(pool, store));
  const started = performance.now();
  let emitted = 0;
  let nextReport = 100_000;
  const community = await planCommunity(
    targetEvents,
    new Date(),
    async (a) => {
      emitted += a.events.length;
      if (emitted >= nextReport) {
        log(
          `  … ${emitted.toLocaleString('en-US')} events planned (${((performance.now() - started) / 1000).toFixed(0)} s)`,
        );
        nextReport += 100_000;
      }
      await writers[hash(a.key) % WRITERS]!.push(a);
    },
    async () => {
      await Promise.all(writers.map((w) => w.drain()));
    },
  );
  await Promise.all(writers.map((w) => w.drain()));
  const seconds = (performance.now() - started) / 1000;
  return {
    community,
    seconds,
    eventsPerSecond: community.events / seconds,
    appends: writers.reduce((n, w) => n + w.appends, 0),
    transactions: writers.reduce((n, w) => n + w.transactions, 0),
  };
}
