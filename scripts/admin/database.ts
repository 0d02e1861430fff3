import { pino } from 'pino';
import type { Config } from '../../infra/config.ts';
import {
  attachOrStartEmbedded,
  createPool,
  type DataUpgrade,
  migrate,
  type Pool,
  runDataUpgrades,
} from '../../infra/db/index.ts';
import {
  type Checkpoint,
  createCatalog,
  createEventStore,
  type EventStore,
} from '../../infra/event-store/index.ts';
import { startJobs } from '../../infra/jobs/index.ts';
import { createMailer } from '../../infra/mail.ts';
import type { AppDefinition } from '../../infra/platform.ts';
import {
  type Consumer,
  ensureCheckpoints,
  type ProjectorsWait,
  type ReactorContext,
  waitForProjectors,
} from '../../infra/projections/index.ts';

export type AdminDatabase = {
  pool: Pool;
  store: EventStore;
  consumers: Consumer[];
  /**
   * Read-your-writes for a command: waits (READ_YOUR_WRITES_TIMEOUT_MS at most) until the running server's read
   * models have applied an append; says 'no-runner' at once when no server runs their projectors.
   */
  readModelsShow: (checkpoint: Checkpoint) => Promise<ProjectorsWait>;
  readYourWritesTimeoutMs: number;
  /** The modules' data upgrades: an import runs them again over the log it loads. */
  upgrades: DataUpgrade[];
  /**
   * What a reactor acts through, as the server gives it (jobs, mail), started on first use: `projections retry`
   * of a reactor applies its set-aside events here.
   */
  reactorContext: () => Promise<ReactorContext>;
  close: () => Promise<void>;
};

/** Every consumer the server runs, in the server's order: read models first, then the modules' reactors. */
export function consumersOf(app: AppDefinition): Consumer[] {
  return [...app.readModels, ...app.modules.flatMap((m) => m.consumers ?? [])];
}

/**
 * Reaches the database the server uses: DATABASE_URL if set, else the running server's embedded PostgreSQL
 * (or one started for this command alone when no server runs on DATA_DIR). Migrations, data upgrades and checkpoint
 * rows come first, so that a command run before the server's first start sees the same schema the server would.
 */
export async function connectAdmin(
  config: Config,
  app: AppDefinition,
  log: (line: string) => void = () => {},
): Promise<AdminDatabase> {
  const server = config.databaseUrl ? null : await attachOrStartEmbedded(config.dataDir);
  if (server?.owned)
    log(`no server is running on ${config.dataDir}: started its PostgreSQL for this command`);
  // Rebuilds and migrations hold session locks: the direct URL, never a transaction pooler.
  const url = config.databaseDirectUrl ?? config.databaseUrl ?? server!.url;
  const pool = createPool(url, { max: 4, applicationName: 'skillswap-admin' });
  let reactors: Promise<{ context: ReactorContext; stop: () => Promise<void> }> | null = null;
  const close = async () => {
    if (reactors) await (await reactors.catch(() => null))?.stop();
    await pool.end();
    await server?.stop();
  };
  try {
    await migrate(pool, log);
    const upgrades = app.modules.flatMap((m) => m.dataUpgrades ?? []);
    await runDataUpgrades(pool, upgrades, log);
    const consumers = consumersOf(app);
    // A rebuild updates its checkpoint row in place: without the row it would swap tables but leave the live
    // runner to replay the whole log on top of them.
    await ensureCheckpoints(pool, consumers);
    const store = createEventStore(pool, createCatalog(app.modules.flatMap((m) => m.events)));
    const readModels = consumers.filter((c) => c.kind === 'read-model').map((c) => c.name);
    const timeoutMs = config.readYourWritesTimeoutMs;
    return {
      pool,
      store,
      consumers,
      readModelsShow: (checkpoint) => waitForProjectors(pool, readModels, checkpoint, timeoutMs),
      readYourWritesTimeoutMs: timeoutMs,
      upgrades,
      reactorContext: async () => {
        reactors ??= (async () => {
          // Warnings and worse only, on stderr: stdout carries the command's own report.
          const log = pino({ level: 'warn' }, pino.destination(2));
          const jobs = await startJobs(url, log);
          const mailer = createMailer(config.smtpUrl, config.mailFrom, log);
          return { context: { store, jobs, pool, log, mailer, config }, stop: jobs.stop };
        })();
        return (await reactors).context;
      },
      close,
    };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
