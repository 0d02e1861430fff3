// Append throughput and latency with 1, 8 and 32 concurrent writers, each appending one event per call (a
// command's typical write), to a stream of its own ("distinct") or all to one stream ("hot"). Three systems take
// turns on the same pg.Pool (the same connections) in the same run, on empty tables in a database of their own:
//   store  – SkillSwap's event store: catalog validation, `append_events` (versions, streams row), NOTIFY;
//   bare   – the physical limit: a plain INSERT of the same row into a table with the same columns and defaults
//            but no constraint, index, trigger or stream bookkeeping;
//   emmett – the peer: @event-driven-io/emmett-postgresql's event store appending the same events to its own
//            tables (emt_*) in the same database.
// Distinct streams append with the expected version (as commands do); the hot stream appends with "any" (store),
// no check (emmett; a lost race is retried and counted), and a counter (bare).
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { createPool, migrate, type Pool } from '../../infra/db/index.ts';
import {
  createCatalog,
  createEventStore,
  type EventStore,
  listenForAppends,
} from '../../infra/event-store/index.ts';
import { skillswap } from '../../modules/index.ts';
import { medianOf, percentile } from './stats.ts';

export const SYSTEMS = ['bare', 'store', 'emmett'] as const;
export type System = (typeof SYSTEMS)[number];
export type Mode = 'distinct' | 'hot';
export type AppendFigures = { eventsPerSecond: number; p50: number; p99: number; retries: number };
export type AppendRow = { writers: number; mode: Mode; system: System } & AppendFigures;

type Appender = (stream: string, version: number | null, seq: number) => Promise<number>;
type Emmett = ReturnType<typeof getPostgreSQLEventStore>;

const metadata = () => {
  const id = crypto.randomUUID();
  return { actorId: crypto.randomUUID(), correlationId: id, causationId: id, requestId: id };
};
const eventData = (seq: number) => ({ sessionId: crypto.randomUUID(), memberId: `bench-member-${seq}` });

function appenders(
  pool: Pool,
  store: EventStore,
  emmett: Emmett,
  retries: { n: number },
): Record<System, Appender> {
  return {
    store: async (stream, version, seq) => {
      const r = await store.append(
        stream,
        version ?? 'any',
        [{ type: 'MemberRegistered', data: eventData(seq) }],
        {
          metadata: metadata(),
        },
      );
      return r.nextExpectedVersion;
    },
    bare: async (stream, version, seq) => {
      await pool.query(
        `INSERT INTO bench_bare (stream_id, stream_version, type, schema_version, data, metadata)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          stream,
          (version ?? seq) + 1,
          'MemberRegistered',
          1,
          JSON.stringify(eventData(seq)),
          JSON.stringify(metadata()),
        ],
      );
      return (version ?? seq) + 1;
    },
    emmett: async (stream, version, seq) => {
      for (;;) {
        try {
          const r = await emmett.appendToStream(
            stream,
            [{ type: 'MemberRegistered', data: eventData(seq), metadata: metadata() }],
            version === null ? {} : { expectedStreamVersion: BigInt(version) },
          );
          return Number(r.nextExpectedStreamVersion);
        } catch (err) {
          // Without a version check a concurrent append to the same stream still fails (its position is taken):
          // the writer tries again, as an application would.
          if (version !== null || (err as { errorCode?: number }).errorCode !== 412) throw err;
          retries.n++;
        }
      }
    },
  };
}

async function measure(append: Appender, writers: number, mode: Mode, label: string, seconds: number) {
  const hot = `${label}-hot`;
  if (mode === 'hot') await append(hot, 0, 0);
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let seq = 1;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let version = 0;
      while (performance.now() < deadline) {
        const t = performance.now();
        if (mode === 'hot') await append(hot, null, seq++);
        else version = await append(`${label}-w${w}`, version, seq++);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    eventsPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export async function benchAppend(
  url: string,
  options: { seconds: number; runs: number; writers: number[] },
  log: (msg: string) => void,
): Promise<AppendRow[]> {
  const pool = createPool(url, {
    max: Math.max(...options.writers),
    applicationName: 'skillswap-bench-append',
  });
  await migrate(pool);
  await pool.query('CREATE TABLE bench_bare (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY)');
  // As in the app: the store announces appends on the listening connection, not on one of the writers'.
  const signal = await listenForAppends(url);
  const store = createEventStore(pool, createCatalog(skillswap.modules.flatMap((m) => m.events)), {
    notify: signal.notify,
  });
  const emmett = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  // Emmett's driver layer sets pg's global type parsers (int8 as BigInt, its own JSON): put back SkillSwap's,
  // so that our store runs exactly as in the app. Emmett's append reads only positions, which it converts itself.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.JSONB, (v) => JSON.parse(v));
  pg.types.setTypeParser(pg.types.builtins.JSON, (v) => JSON.parse(v));
  await emmett.schema.migrate();
  const retries = { n: 0 };
  const systems = appenders(pool, store, emmett, retries);
  // Warm-up: JIT, connections, plans and the first pages of every table.
  for (const s of SYSTEMS)
    await measure(systems[s], Math.max(...options.writers), 'distinct', `warm-${s}`, 0.5);

  const rows: AppendRow[] = [];
  for (const writers of options.writers) {
    for (const mode of ['distinct', 'hot'] as const) {
      const results = new Map<System, AppendFigures[]>(SYSTEMS.map((s) => [s, []]));
      // Runs alternate the systems, so a burst of load from elsewhere on the machine hits all of them alike.
      for (let run = 0; run < options.runs; run++) {
        for (const s of SYSTEMS) {
          retries.n = 0;
          const m = await measure(
            systems[s],
            writers,
            mode,
            `${s}-${mode}-${writers}-${run}`,
            options.seconds,
          );
          results.get(s)!.push({ ...m, retries: retries.n });
        }
      }
      for (const s of SYSTEMS) {
        const list = results.get(s)!;
        const med = await medianOf(list.length, async (i) => list[i]!);
        rows.push({ writers, mode, system: s, ...med });
        log(
          `  append ${mode.padEnd(8)} ${String(writers).padStart(2)} writers ${s.padEnd(6)} ` +
            `${Math.round(med.eventsPerSecond).toLocaleString('en-US').padStart(7)} ev/s  p50 ${med.p50.toFixed(2)} ms  p99 ${med.p99.toFixed(2)} ms` +
            (med.retries ? `  (${Math.round(med.retries)} retries)` : ''),
        );
      }
    }
  }
  await signal.close();
  await pool.end();
  return rows;
}
