// The benchmark's own databases: fresh `skillswap_bench_<ts>_<label>` ones on TEST_DATABASE_URL / DATABASE_URL's
// server when one is given, else on the embedded PostgreSQL 17 started in a temporary directory (as the test
// harness does). They are dropped, and an embedded server stopped and deleted, when the run ends, also on Ctrl-C.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbedded } from '../../infra/db/embedded.ts';
import { createPool, migrate } from '../../infra/db/index.ts';

const cleanups: (() => Promise<void>)[] = [];

async function runCleanups() {
  while (cleanups.length > 0) await cleanups.pop()!().catch((err) => console.error('cleanup failed:', err));
}

// A benchmark interrupted half-way must not leave a PostgreSQL server or a large database behind.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: cleaning up the benchmark databases …`);
    void runCleanups().finally(() => process.exit(130));
  });
}

export type BenchServer = {
  /** Where it runs, for the report: the embedded server, or the host of TEST_DATABASE_URL / DATABASE_URL. */
  server: string;
  version: string;
  /** A fresh, migrated database `skillswap_bench_<ts>_<label>`; dropped by close(). */
  createDatabase: (label: string) => Promise<string>;
  close: () => Promise<void>;
};

export async function openBenchServer(log: (msg: string) => void): Promise<BenchServer> {
  let adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let server: string;
  if (adminUrl) {
    server = `${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'DATABASE_URL'} (${new URL(adminUrl).host})`;
  } else {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-bench-pg-'));
    log(`starting embedded PostgreSQL in ${dir}`);
    const embedded = await startEmbedded({
      dataDir: dir,
      owner: false,
      ...(process.env.BENCH_PG_LOG ? { onLog: (line: string) => console.error(`[postgres] ${line}`) } : {}),
    });
    cleanups.push(async () => {
      await embedded.stop();
      await fs.rm(dir, { recursive: true, force: true });
    });
    adminUrl = embedded.socketUrl ?? embedded.url;
    server = `embedded PostgreSQL, default settings, temporary data directory, over ${embedded.socketUrl ? 'its Unix socket' : 'TCP'}`;
  }
  const admin = adminUrl;
  const query = async <T extends pg.QueryResultRow>(sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    // A lost connection fails the query below; the client's own 'error' event must not end the process.
    c.on('error', () => {});
    await c.connect();
    try {
      return (await c.query<T>(sql)).rows;
    } finally {
      await c.end();
    }
  };
  const version = (await query<{ server_version: string }>('SHOW server_version'))[0]!.server_version;
  const stamp = Date.now();
  const createDatabase = async (label: string) => {
    const name = `skillswap_bench_${stamp}_${label}`;
    await query(`CREATE DATABASE ${name}`);
    cleanups.push(async () => {
      await query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const pool = createPool(url.toString(), { max: 1 });
    await migrate(pool);
    await pool.end();
    log(`database ${name} on ${server}, PostgreSQL ${version}`);
    return url.toString();
  };
  return { server, version, createDatabase, close: runCleanups };
}
