import { createPool } from '../../infra/db/index.ts';
import { createCatalog, createEventStore } from '../../infra/event-store/index.ts';
import { ensureCheckpoints, rebuildProjector } from '../../infra/projections/index.ts';
import { readModels } from '../../read-models/index.ts';
import { skillswap } from '../../modules/index.ts';
import { openBenchServer } from './database.ts';
import { generateCommunity } from './generate.ts';

const server = await openBenchServer(console.log); const db = { url: await server.createDatabase('prof'), close: server.close };
try {
  const pool = createPool(db.url, { max: 8 });
  const store = createEventStore(pool, createCatalog(skillswap.modules.flatMap((m) => m.events)));
  await generateCommunity(pool, store, Number(process.argv[2] ?? 30000), () => {});
  await ensureCheckpoints(pool, skillswap.readModels);
  for (const name of (process.argv[3] ?? 'member_profiles').split(',')) {
    const p = readModels.find((c) => c.name === name)!;
    const stats = new Map<string, { n: number; ms: number }>();
    let handleMs = 0;
    const wrapped = {
      ...p,
      handle: async (client: any, events: any[]) => {
        const orig = client.query;
        client.query = async (...args: any[]) => {
          const t = performance.now();
          try {
            return await orig.apply(client, args);
          } finally {
            const k = String(args[0]).replace(/\s+/g, ' ').slice(0, 90);
            const s = stats.get(k) ?? { n: 0, ms: 0 };
            s.n++;
            s.ms += performance.now() - t;
            stats.set(k, s);
          }
        };
        const t = performance.now();
        try {
          await p.handle(client, events);
        } finally {
          client.query = orig;
          handleMs += performance.now() - t;
        }
      },
    };
    const t = performance.now();
    await rebuildProjector(pool, store, wrapped as never);
    console.log(
      name,
      'total',
      ((performance.now() - t) / 1000).toFixed(1),
      's; in handle',
      (handleMs / 1000).toFixed(1),
      's',
    );
    for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8))
      console.log(`  ${(s.ms / 1000).toFixed(2)}s ${s.n} ${((s.ms / s.n) * 1000).toFixed(0)}us  ${k}`);
  }
  await pool.end();
} catch (e) {
  console.error('ROOT', e);
} finally {
  await db.close();
}
