// `npm run bench:scaled`: SkillSwap past one machine (docs/SCALING.md), measured on this one. A primary and a
// streaming replica (Debian's PostgreSQL, pg_basebackup), PgBouncer in transaction pooling, and real server
// processes: first one process on the primary alone (the baseline), then two web processes behind PgBouncer
// reading from the replica with one worker. Reports, for signed-out and signed-in reads, the rate and p99 of each
// setup as ratios to the baseline, and the replica's lag while members write. The machine may be shared: only the
// ratios of one run mean something, so the figures carry the load average before and after the run.
//   --events=20000  --seconds=5  --doc (writes the figures into docs/SCALING.md between its markers)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPool, migrate } from '../../infra/db/index.ts';
import { createCatalog, createEventStore } from '../../infra/event-store/index.ts';
import { ensureCheckpoints, rebuildProjector } from '../../infra/projections/index.ts';
import { startPgBouncer } from '../../infra/testing/pgbouncer.ts';
import { startStreamingPair } from '../../infra/testing/streaming-replica.ts';
import { skillswap } from '../../modules/index.ts';
import { readModels } from '../../read-models/index.ts';
import { cleanUpProcesses, makeDataDir, type ServerProcess, startServer } from '../testing/processes.ts';
import { generateCommunity } from './generate.ts';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const events = Number(args.get('events') ?? 20_000);
const seconds = Number(args.get('seconds') ?? 5);
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));
const started = performance.now();
const log = (msg: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

type Load = { requestsPerSecond: number; p99: number; errors: number };

function load(url: string, path: string, connections: number, headers?: Record<string, string>) {
  return new Promise<Load>((resolve, reject) =>
    execFile(
      process.execPath,
      [LOAD, JSON.stringify({ url, paths: [path], connections, seconds, headers })],
      { maxBuffer: 1 << 20 },
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))),
    ),
  );
}

/** 50 connections in all, spread over the servers (one load process each), their rates added up. */
async function loadAll(servers: ServerProcess[], path: string, headers?: Record<string, string>) {
  const parts = await Promise.all(
    servers.map((s) => load(`http://127.0.0.1:${s.port}`, path, Math.round(50 / servers.length), headers)),
  );
  return {
    requestsPerSecond: parts.reduce((n, p) => n + p.requestsPerSecond, 0),
    p99: Math.max(...parts.map((p) => p.p99)),
    errors: parts.reduce((n, p) => n + p.errors, 0),
  };
}

async function signIn(server: ServerProcess): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-${randomBytes(4).toString('hex')}@example.com`,
      password: 'a perfectly good password',
      displayName: 'Bench Member',
    }),
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const READS = [
  { name: 'GET /api/sessions', path: '/api/sessions' },
  { name: 'GET /api/mentors', path: '/api/mentors' },
  { name: 'page /sessions', path: '/sessions' },
];

async function measure(label: string, web: ServerProcess[]) {
  const cookie = await signIn(web[0]!);
  const rows: { name: string; signedOut: Load; signedIn: Load }[] = [];
  for (const r of READS) {
    await loadAll(web, r.path); // warm-up, not counted
    const signedOut = await loadAll(web, r.path);
    const signedIn = await loadAll(web, r.path, { cookie });
    rows.push({ name: r.name, signedOut, signedIn });
    log(
      `  ${label} ${r.name}: signed out ${Math.round(signedOut.requestsPerSecond)} req/s p99 ${signedOut.p99} ms; ` +
        `signed in ${Math.round(signedIn.requestsPerSecond)} req/s p99 ${signedIn.p99} ms`,
    );
  }
  return rows;
}

/** The replica's replay lag, sampled while members write through the web processes. */
async function replicaLag(replicaUrl: string, web: ServerProcess[]) {
  const replica = new pg.Client({ connectionString: replicaUrl });
  await replica.connect();
  const samples: number[] = [];
  let writing = true;
  const writers = web.map(async (server) => {
    const cookie = await signIn(server);
    for (let i = 0; writing; i++)
      await fetch(`http://127.0.0.1:${server.port}/api/me/profile`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ bio: `Bio ${i}` }),
      });
  });
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const { rows } = await replica.query<{ lag: number }>(
      `SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                   ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000 END::float8 AS lag`,
    );
    samples.push(rows[0]!.lag);
    await new Promise((r) => setTimeout(r, 50));
  }
  writing = false;
  await Promise.all(writers);
  await replica.end();
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length / 2)]!, max: samples.at(-1)!, samples: samples.length };
}

/** Like `uptime`: the 1, 5 and 15 minute load averages. */
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
const loadBefore = loadAverage();

const pair = await startStreamingPair();
const bouncer = await startPgBouncer(pair.primaryUrl(), { poolSize: 20 });
try {
  log(`${os.cpus().length} × ${os.cpus()[0]?.model}; primary and replica up`);
  const admin = new pg.Client({ connectionString: pair.primaryUrl() });
  await admin.connect();
  await admin.query('CREATE DATABASE skillswap');
  await admin.end();
  const primary = pair.primaryUrl('skillswap');
  const pool = createPool(primary, { max: 8, applicationName: 'skillswap-bench' });
  await migrate(pool, () => {});
  const store = createEventStore(pool, createCatalog(skillswap.modules.flatMap((m) => m.events)));
  log(`generating a community of ~${events.toLocaleString('en-US')} events`);
  await generateCommunity(pool, store, events, log);
  const consumers = [...readModels, ...skillswap.modules.flatMap((m) => m.consumers ?? [])];
  await ensureCheckpoints(pool, consumers);
  for (const p of readModels) await rebuildProjector(pool, store, p);
  const { checkpoint } = await store.head();
  await pool.query(
    `UPDATE projection_checkpoints SET transaction_id = $1::xid8, position = $2 WHERE name = ANY($3) AND position < $2`,
    [checkpoint.transactionId, checkpoint.position, consumers.map((x) => x.name)],
  );
  await pool.end();

  const env = { SEED_DEMO: '0', SIGNUP_LIMIT_PER_IP: '1000000', LOG_LEVEL: 'warn' };
  log('1. one process on the primary (the baseline)');
  const single = await startServer(await makeDataDir(), { env: { ...env, DATABASE_URL: primary } });
  const baseline = await measure('single', [single]);
  single.child.kill('SIGTERM');
  await single.exited;

  log('2. two web processes behind PgBouncer reading from the replica, one worker');
  const scaledEnv = {
    ...env,
    DATABASE_URL: bouncer.url(primary),
    DATABASE_DIRECT_URL: primary,
    DATABASE_REPLICA_URLS: pair.replicaUrl('skillswap'),
  };
  await startServer(await makeDataDir(), { env: scaledEnv, args: ['--role=worker'] });
  const web = [
    await startServer(await makeDataDir(), { env: scaledEnv, args: ['--role=web'] }),
    await startServer(await makeDataDir(), { env: scaledEnv, args: ['--role=web'] }),
  ];
  const scaled = await measure('scaled', web);
  log('3. the replica lag while members write');
  const lag = await replicaLag(pair.replicaUrl('skillswap'), web);
  log(`  replay lag p50 ${lag.p50.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms (${lag.samples} samples)`);

  const loadAfter = loadAverage();
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
  const cell = (l: Load) => `${Math.round(l.requestsPerSecond)} req/s, p99 ${l.p99} ms`;
  const table = [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} × ` +
      `${os.cpus()[0]?.model}, ${events.toLocaleString('en-US')} events, 50 connections, ${seconds} s a run; the ` +
      'load generator, both PostgreSQL servers, PgBouncer and every SkillSwap process share the same cores. ' +
      `Load average (1, 5, 15 min) ${loadBefore} before the run and ${loadAfter} after it: other work shared the ` +
      'machine, so the absolute figures say little; the ratios (scaled set-up / one process on one database, ' +
      'measured minutes apart in the same run) are what to read. A rate ratio below 1 is fewer requests a second; ' +
      'a p99 ratio above 1 is slower.',
    '',
    '| read | signed out: rate ratio | p99 ratio | signed in: rate ratio | p99 ratio |',
    '| --- | --- | --- | --- | --- |',
    ...baseline.map((b, i) => {
      const s = scaled[i]!;
      return (
        `| ${b.name} | ${ratio(s.signedOut.requestsPerSecond, b.signedOut.requestsPerSecond)} | ` +
        `${ratio(s.signedOut.p99, b.signedOut.p99)} | ` +
        `${ratio(s.signedIn.requestsPerSecond, b.signedIn.requestsPerSecond)} | ${ratio(s.signedIn.p99, b.signedIn.p99)} |`
      );
    }),
    '',
    'The figures the ratios come from:',
    '',
    '| read | signed out: one process | scaled | signed in: one process | scaled |',
    '| --- | --- | --- | --- | --- |',
    ...baseline.map((b, i) => {
      const s = scaled[i]!;
      return `| ${b.name} | ${cell(b.signedOut)} | ${cell(s.signedOut)} | ${cell(b.signedIn)} | ${cell(s.signedIn)} |`;
    }),
    '',
    `Replica replay lag while two members write continuously through the two web processes: p50 ${lag.p50.toFixed(1)} ms, ` +
      `max ${lag.max.toFixed(1)} ms (${lag.samples} samples, every 50 ms).`,
  ].join('\n');
  console.log(`\n${table}\n`);
  const errors = [...baseline, ...scaled].reduce((n, r) => n + r.signedIn.errors + r.signedOut.errors, 0);
  if (args.has('doc')) {
    const doc = fileURLToPath(new URL('../../docs/SCALING.md', import.meta.url));
    const text = await fs.readFile(doc, 'utf8');
    const [before, rest] = text.split('<!-- figures -->');
    const after = rest?.split('<!-- /figures -->')[1];
    if (after === undefined)
      throw new Error('docs/SCALING.md has no <!-- figures --> … <!-- /figures --> markers');
    await fs.writeFile(doc, `${before}<!-- figures -->\n${table}\n<!-- /figures -->${after}`);
    log('docs/SCALING.md updated');
  }
  if (errors > 0) {
    console.error(`${errors} requests failed`);
    process.exitCode = 1;
  }
} finally {
  await cleanUpProcesses();
  await bouncer.stop();
  await pair.stop();
}
