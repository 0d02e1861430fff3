// Probe: one request at a time against a generated community, signed out (uncached) and signed in, to see the
// per-request cost without load. `node scripts/bench/probe.ts [events] [requests]`; `node --cpu-prof` to profile.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../infra/config.ts';
import { createPool } from '../../infra/db/index.ts';
import { createCatalog, createEventStore } from '../../infra/event-store/index.ts';
import { startPlatform } from '../../infra/platform.ts';
import { ensureCheckpoints, rebuildProjector } from '../../infra/projections/index.ts';
import { openSession, SESSION_COOKIE } from '../../modules/identity/auth-sessions.ts';
import { skillswap } from '../../modules/index.ts';
import { readModels } from '../../read-models/index.ts';
import { openBenchServer } from './database.ts';
import { generateCommunity } from './generate.ts';
import { benchLogger } from './mix.ts';

const events = Number(process.argv[2] ?? 10_000);
const n = Number(process.argv[3] ?? 200);
const log = (m: string) => console.log(m);
const server = await openBenchServer(log);
try {
  const url = await server.createDatabase('probe');
  const pool = createPool(url, { max: 8 });
  const store = createEventStore(pool, createCatalog(skillswap.modules.flatMap((m) => m.events)));
  const { community: c } = await generateCommunity(pool, store, events, () => {});
  const consumers = [...readModels, ...skillswap.modules.flatMap((m) => m.consumers ?? [])];
  await ensureCheckpoints(pool, consumers);
  for (const p of readModels) await rebuildProjector(pool, store, p);
  const { checkpoint } = await store.head();
  await pool.query(
    `UPDATE projection_checkpoints SET transaction_id = $1::xid8, position = $2 WHERE name = ANY($3) AND position < $2`,
    [checkpoint.transactionId, checkpoint.position, consumers.map((x) => x.name)],
  );
  const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
  const env = { NODE_ENV: 'production', SESSION_SECRET: randomBytes(32).toString('hex'), SEED_DEMO: '0' };
  const platform = await startPlatform(
    { ...loadConfig(env), databaseUrl: url },
    benchLogger().logger,
    skillswap,
    {
      ...(existsSync(`${webDist}/server/entry.mjs`) ? { webDistDir: webDist } : {}),
    },
  );
  let queries = 0;
  const query = platform.pool.query.bind(platform.pool);
  platform.pool.query = ((...a: Parameters<typeof query>) => {
    queries++;
    if (process.env.PROBE_SQL) console.log(String(a[0]).slice(0, 100).replace(/\s+/g, ' '));
    return query(...a);
  }) as typeof query;
  if (process.env.PROBE_SAVE) {
    writeFileSync(process.env.PROBE_SAVE, (await platform.http.inject({ url: '/api/sessions' })).body);
  }
  const cookie = `${SESSION_COOKIE}=${await openSession(pool, c.members[0]!, 'probe')}`;
  const paths = process.env.PROBE_PATHS
    ? process.env.PROBE_PATHS.split(',')
    : [
        '/api/sessions',
        '/api/mentors',
        `/api/users/${c.mentors[0]}`,
        '/',
        '/sessions',
        `/users/${c.mentors[0]}`,
      ];
  for (const [who, headers] of [
    ['public', {}],
    ['uncached', { cookie: 'bench=uncached' }],
    ['signed in', { cookie }],
  ].filter(([who]) => !process.env.PROBE_WHO || who === process.env.PROBE_WHO) as [
    string,
    Record<string, string>,
  ][]) {
    for (const path of paths) {
      for (let i = 0; i < 20; i++) await platform.http.inject({ url: path, headers });
      const profiler = process.env.PROBE_PROFILE ? new Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      queries = 0;
      const t = performance.now();
      const cpu = process.cpuUsage();
      let status = '';
      for (let i = 0; i < n; i++) {
        const res = await platform.http.inject({ url: path, headers });
        status = `${res.statusCode} ${res.headers['x-cache'] ?? ''}`.trim();
      }
      const used = process.cpuUsage(cpu);
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(
          `${process.env.PROBE_PROFILE}-${who.replace(' ', '-')}-${path.replace(/\W/g, '_').slice(0, 20)}.cpuprofile`,
          JSON.stringify(profile),
        );
        profiler.disconnect();
      }
      log(
        `${who.padEnd(10)} ${path.slice(0, 30).padEnd(30)} wall ${((performance.now() - t) / n).toFixed(2)} ms, ` +
          `Node CPU ${((used.user + used.system) / 1000 / n).toFixed(2)} ms, ${(queries / n).toFixed(1)} queries (${status})`,
      );
    }
  }
  await platform.stop();
  await pool.end();
} finally {
  await server.close();
}
