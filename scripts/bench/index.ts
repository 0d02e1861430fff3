// `npm run bench`: SkillSwap's performance against its targets (docs/BENCHMARKS.md says what and why).
//   npm run bench -- --quick     CI: ~10k events, one short run of everything, prints the table (under 2 minutes)
//   npm run bench                full: 100k and 1M events, medians of 3 runs, writes docs/BENCHMARKS.md
// Options: --events=100000,1000000  --runs=3  --seconds=3 (append and HTTP runs)  --skip=append,rebuild,lag,http,mix
//          --http=signed-in,page (only these kinds of HTTP rows: api, page, uncached, signed-in)
//          --verify (also in --quick: batched projection equals one event at a time)  --doc=<path>
//          member mix: --mix-share=0.0025,0.005,… (offered rates as shares of the trivial route's req/s)
//          or --mix-rates=50,100 (operations/s), --mix-seconds=10 per rate, --mix-members=300
// Exits 1 when something breaks: an exception, batched projection differing, errors in the member mix.
// On a database of its own (database.ts); everything it creates is dropped at the end.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../infra/config.ts';
import { createPool } from '../../infra/db/index.ts';
import { createCatalog, createEventStore } from '../../infra/event-store/index.ts';
import { startPlatform } from '../../infra/platform.ts';
import { ensureCheckpoints, rebuildProjector } from '../../infra/projections/index.ts';
import { openSession, SESSION_COOKIE } from '../../modules/identity/auth-sessions.ts';
import { skillswap } from '../../modules/index.ts';
import { readModels } from '../../read-models/index.ts';
import { benchAppend } from './append.ts';
import { openBenchServer } from './database.ts';
import { writeDocument } from './document.ts';
import { checkEquivalence } from './equivalence.ts';
import { explainEndpoints } from './explain.ts';
import { generateCommunity } from './generate.ts';
import { benchHttp, trivialRate } from './http.ts';
import { benchLag } from './lag.ts';
import { benchLogger, benchMix } from './mix.ts';
import { benchRebuild } from './rebuild.ts';
import { machine, printSummary, type Results } from './report.ts';
import { medianOf } from './stats.ts';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const quick = args.has('quick');
const sizes = (args.get('events') ?? (quick ? '10000' : '100000,1000000')).split(',').map(Number);
const runs = Number(args.get('runs') ?? (quick ? 1 : 3));
const seconds = Number(args.get('seconds') ?? (quick ? 1 : 3));
const skip = new Set((args.get('skip') ?? '').split(','));
const list = (name: string, fallback: string) => (args.get(name) ?? fallback).split(',').map(Number);
// Shares of the trivial route's rate: the target (0.05) is one of the steps; the mix stops at the first overload.
const mixShares = list('mix-share', quick ? '0.0025,0.01' : '0.0025,0.005,0.01,0.02,0.05,0.1');
const mixRates = args.has('mix-rates') ? list('mix-rates', '') : null;
const mixSeconds = Number(args.get('mix-seconds') ?? (quick ? 3 : 10));
const mixMembers = Number(args.get('mix-members') ?? 300);
const httpKinds = args.has('http') ? new Set(args.get('http')!.split(',')) : undefined;
const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
const built = existsSync(`${webDist}/server/entry.mjs`);
const started = performance.now();
const log = (msg: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

const server = await openBenchServer(log);
const results: Results = {
  mode: quick ? 'quick' : 'full',
  machine: machine(server.version, server.server),
  load: { before: os.loadavg(), after: [] },
  durationSeconds: 0,
  generation: [],
  append: [],
  rebuild: [],
  lag: [],
  http: [],
  weights: [],
  plans: [],
  mix: null,
};
log(
  `${results.machine.cpus} × ${results.machine.cpu}, load ${results.load.before.map((l) => l.toFixed(1)).join(' ')}`,
);
try {
  if (!skip.has('append')) {
    log('1. append: 1, 8, 32 writers; distinct streams and one hot stream; bare INSERT, store, emmett');
    results.append = await benchAppend(
      await server.createDatabase('append'),
      { seconds, runs, writers: [1, 8, 32] },
      log,
    );
  }
  const catalog = createCatalog(skillswap.modules.flatMap((m) => m.events));
  for (const [i, events] of sizes.entries()) {
    const url = await server.createDatabase(`e${events}`);
    const pool = createPool(url, { max: 8, applicationName: 'skillswap-bench' });
    const store = createEventStore(pool, catalog);
    log(`generating a community of ~${events.toLocaleString('en-US')} events`);
    const g = await generateCommunity(pool, store, events, log);
    const c = g.community;
    results.generation.push({
      ...g,
      events: c.events,
      members: c.members.length,
      mentors: c.mentors.length,
      upcoming: c.upcoming.length,
    });
    log(
      `  ${c.events.toLocaleString('en-US')} events in ${g.seconds.toFixed(1)} s (${Math.round(g.eventsPerSecond).toLocaleString('en-US')} ev/s)`,
    );
    if (!skip.has('rebuild')) {
      log(`2. rebuild every read model from ${c.events.toLocaleString('en-US')} events`);
      results.rebuild.push({
        events: c.events,
        result: await benchRebuild(pool, store, readModels, runs, log),
      });
      if (quick || args.has('verify')) {
        // The set-based projector writes must give what one event at a time gives (CI checks it on every run).
        const differ = await checkEquivalence(pool, store, readModels);
        if (differ.length > 0)
          throw new Error(`batched and one-at-a-time projection differ in: ${differ.join(', ')}`);
        log('  batched projection = one event at a time, for every read-model table');
      }
    }
    if (i === sizes.length - 1 && !(skip.has('lag') && skip.has('http') && skip.has('mix'))) {
      // The read models are current (rebuilt, or rebuilt now); the reactors are treated as having processed the
      // history (their output, points and badges, is part of the generated log): every consumer starts at the head.
      const consumers = [...readModels, ...skillswap.modules.flatMap((m) => m.consumers ?? [])];
      await ensureCheckpoints(pool, consumers);
      if (skip.has('rebuild')) for (const p of readModels) await rebuildProjector(pool, store, p);
      const { checkpoint } = await store.head();
      await pool.query(
        `UPDATE projection_checkpoints SET transaction_id = $1::xid8, position = $2 WHERE name = ANY($3) AND position < $2`,
        [checkpoint.transactionId, checkpoint.position, consumers.map((x) => x.name)],
      );
      const env = {
        NODE_ENV: 'production',
        SESSION_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
        SEED_DEMO: '0',
      };
      const appLog = benchLogger();
      const platform = await startPlatform(
        { ...loadConfig(env), databaseUrl: url },
        appLog.logger,
        skillswap,
        {
          ...(built ? { webDistDir: webDist } : {}),
        },
      );
      try {
        if (!skip.has('lag')) {
          // 500 ev/s is the target; 100 and 250 ev/s (full mode) show how the lag grows with the load.
          for (const rate of quick ? [500] : [100, 250, 500]) {
            log(`3. projection lag at ${rate} events/s`);
            // Warm-up, not counted: the pool's connections (each a SCRAM handshake) and the JIT, as for HTTP.
            await benchLag(platform, c, { rate, seconds: 1, run: 99 });
            const lag = await medianOf(runs, (run) =>
              benchLag(platform, c, { rate, seconds: quick ? 5 : 20, run }),
            );
            results.lag.push(lag);
            log(
              `  lag p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms (${Math.round(lag.achievedRate)} ev/s achieved)`,
            );
          }
        }
        await platform.http.listen({ port: 0, host: '127.0.0.1' });
        const address = platform.http.server.address();
        const appUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
        if (!skip.has('http')) {
          // The lag runs leave a backlog behind (reactors, mail): measure the reads on a quiet process.
          const head = (await platform.store.head()).checkpoint;
          await platform.runner.waitFor(head, { names: consumers.map((x) => x.name), timeoutMs: 120_000 });
          log(
            `4. HTTP at 50 connections${built ? '' : ' (web/dist is not built: pages skipped; run `npm run build`)'}`,
          );
          // Members signed in as a login signs them in (mix.ts says why not through the login itself).
          const signedIn = await Promise.all(
            c.members
              .slice(0, 50)
              .map(async (id) => `${SESSION_COOKIE}=${await openSession(pool, id, 'skillswap-bench http')}`),
          );
          const h = await benchHttp(
            appUrl,
            c,
            {
              seconds,
              runs,
              pages: built,
              uncached: !quick,
              signedIn,
              // CI's run stays under 2 minutes: a listing, a profile and their pages signed in.
              ...(quick
                ? {
                    signedInEndpoints: [
                      'GET /api/sessions',
                      'GET /api/users/:id',
                      'page /sessions',
                      'page /users/:id',
                    ],
                  }
                : {}),
              ...(httpKinds ? { kinds: httpKinds } : {}),
            },
            log,
          );
          results.http = h.rows;
          results.weights = h.weights;
          results.plans = await explainEndpoints(platform.pool, c);
        }
        if (!skip.has('mix')) {
          const measured = results.http.find((h) => h.name.startsWith('trivial'))?.requestsPerSecond;
          const trivial = measured ?? (await trivialRate({ seconds, runs }));
          const rates = mixRates ?? mixShares.map((share) => Math.max(1, Math.round(share * trivial)));
          log(
            `5. member mix at ${rates.join(', ')} operations/s (trivial route ${Math.round(trivial)} req/s), ${mixSeconds} s each${built ? '' : ' (no pages: web/dist is not built)'}`,
          );
          const mix = await benchMix(
            platform,
            c,
            { pool, store, url: appUrl, rywWarnings: appLog.rywWarnings },
            { rates, seconds: mixSeconds, members: mixMembers, pages: built, drainSeconds: quick ? 5 : 30 },
            log,
          );
          results.mix = { ...mix, trivialRate: trivial };
        }
      } finally {
        await platform.stop();
      }
    }
    await pool.end();
  }
} finally {
  results.load.after = os.loadavg();
  results.durationSeconds = (performance.now() - started) / 1000;
  await server.close();
}
printSummary(results);
// Full mode writes docs/BENCHMARKS.md; --doc=<path> writes any mode's results elsewhere (to look at them).
if (args.has('doc') || (!quick && !args.has('no-doc'))) {
  const doc =
    args.get('doc') && args.get('doc') !== 'true'
      ? args.get('doc')!
      : fileURLToPath(new URL('../../docs/BENCHMARKS.md', import.meta.url));
  writeDocument(doc, results);
  log(`wrote ${doc}`);
}
log(
  `done in ${Math.round(results.durationSeconds)} s; load average ${results.load.after.map((l) => l.toFixed(1)).join(' ')}`,
);
const mixErrors = results.mix?.steps.reduce((n, s) => n + s.errors, 0) ?? 0;
if (mixErrors > 0) {
  // 5xx, unexpected 4xx, unanswered requests: the app or the workload is broken (refusals are counted apart).
  console.error(`member mix: ${mixErrors} requests failed (see the errors above)`);
  process.exitCode = 1;
}
