import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEmbedded } from './embedded.ts';
import { migrate } from './migrate.ts';
import { createPool, type Pool } from './pool.ts';

export { attachOrStartEmbedded, DataDirInUseError, startEmbedded } from './embedded.ts';
export { migrate, readMigrations } from './migrate.ts';
export { createPool, type Pool, type PoolClient, type Queryable, withTransaction } from './pool.ts';

export type Database = {
  url: string;
  pool: Pool;
  embedded: boolean;
  close: () => Promise<void>;
};

/** The app's database: DATABASE_URL when set, else the embedded server under DATA_DIR; migrated before use. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  const server = config.databaseUrl
    ? null
    : await startEmbedded({ dataDir: config.dataDir, onLog: (line) => log.debug({ postgres: line }) });
  const url = config.databaseUrl ?? server!.url;
  const pool = createPool(url, { max: 20 });
  try {
    await migrate(pool, (msg) => log.info(msg));
  } catch (err) {
    await pool.end();
    await server?.stop();
    throw err;
  }
  return {
    url,
    pool,
    embedded: server !== null,
    close: async () => {
      await pool.end();
      await server?.stop();
    },
  };
}
