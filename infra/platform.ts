import { PrismaPg } from '@prisma/adapter-pg';
import type { FastifyInstance } from 'fastify';
import { PrismaClient } from '../prisma/generated/client.ts';
import type { Config } from './config.ts';
import {
  createPool,
  createReadRouting,
  forLongWork,
  migrate,
  noteWrite,
  runDataUpgrades,
  startEmbedded,
  watchDatabaseOutages,
  withDeadline,
} from './db/index.ts';
import type { AppDefinition, CommandContext, ModuleContext, QueryContext, ReadYourWrites } from './deps.ts';
import {
  type AppendSignal,
  createCatalog,
  createEventStore,
  type EventStore,
  listenForAppends,
} from './event-store/index.ts';
import { createHttpApp, createPublicCache, mountWeb } from './http/index.ts';
import { startJobs } from './jobs/index.ts';
import type { Logger } from './logger.ts';
import { createMailer } from './mail.ts';
import {
  type Consumer,
  createProjectionRunner,
  type ProjectionRunner,
  projectionStatus,
  type RebuildProgress,
  rebuildProjector,
  recordRebuildFailure,
  retrySetAside,
} from './projections/index.ts';
import { projectionRoutes, REBUILD_QUEUE } from './projections/routes.ts';

export type Prisma = PrismaClient;

/** /healthz answers within 2 s whatever the database does (API.md): its query gets this long. */
const HEALTH_DEADLINE_MS = 1500;

export type {
  AppDefinition,
  CommandContext,
  ModuleContext,
  ModuleDefinition,
  QueryContext,
  ReadYourWrites,
} from './deps.ts';

/**
 * The running app, for the server, scripts and tests: the contexts modules are given, and the machinery around
 * them (the store and pool at the top level, the projectors and their rebuild, the HTTP app).
 */
export type Platform = ModuleContext & {
  store: EventStore;
  prisma: PrismaClient;
  waitForReadModels: ReadYourWrites;
  consumers: Consumer[];
  /** With `wait`, a rebuild of the same projector already running is waited for (and `wait` called once). */
  rebuild: (
    name: string,
    onProgress?: (p: RebuildProgress) => void,
    options?: { wait?: () => void },
  ) => Promise<void>;
  url: string;
  http: FastifyInstance;
  runner: ProjectionRunner;
  signal: AppendSignal;
  stop: () => Promise<void>;
};

/**
 * What a process does (`npm run serve -- --role=...`): `web` serves HTTP and appends, `worker` runs projectors,
 * reactors and jobs, `all` both. Any number of each may share one database.
 */
export const ROLES = ['all', 'web', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Starts SkillSwap: database (embedded unless DATABASE_URL), migrations, event store, projectors, jobs and the
 * HTTP app. `listen` is left to the caller so tests can use `http.inject`.
 */
export async function startPlatform(
  config: Config,
  log: Logger,
  app: AppDefinition,
  options: {
    webDistDir?: string;
    runProjectors?: boolean;
    role?: Role;
    /** The clock commands are decided with (default: the real one); a test moves it to after a session's end. */
    clock?: () => Date;
  } = {},
): Promise<Platform> {
  const role = options.role ?? 'all';
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((err) => log.error({ err }, 'error while stopping'));
    cleanups.length = 0;
  };
  try {
    const server = config.databaseUrl
      ? null
      : await startEmbedded({
          dataDir: config.dataDir,
          onLog: (line) => log.debug({ postgres: line }),
          onNotice: (line) => log.info(line),
          onFailure: (line, details) => log.error(details, line),
        });
    if (server) cleanups.push(server.stop);
    const url = config.databaseUrl ?? server!.socketUrl ?? server!.url;
    // What needs a session of its own (LISTEN, session advisory locks, pg-boss, migrations, rebuilds) connects
    // here; with a pooler in DATABASE_URL, that is the database itself.
    const directUrl = config.databaseDirectUrl ?? url;
    const pooled = directUrl !== url;
    const outage = watchDatabaseOutages({ probe: () => pool.query('SELECT 1'), log });
    cleanups.push(async () => outage.stop());
    const reportUnavailable = (err: unknown, where: string) => outage.report(err, where);
    // One pool for requests, projectors and Prisma, with the request timeouts; long work gets one of its own.
    const pool = createPool(url, {
      max: 20,
      timeouts: config.database,
      pooled,
      onConnectionError: (err) => reportUnavailable(err, 'database pool'),
    });
    cleanups.push(() => pool.end());
    const longWork = createPool(directUrl, {
      max: 2,
      applicationName: 'skillswap-maintenance',
      timeouts: forLongWork(config.database),
      onConnectionError: (err) => reportUnavailable(err, 'maintenance pool'),
    });
    cleanups.push(() => longWork.end());
    await migrate(longWork, (msg) => log.info(msg));
    await runDataUpgrades(
      longWork,
      app.modules.flatMap((m) => m.dataUpgrades ?? []),
      (msg) => log.info(msg),
    );

    const catalog = createCatalog(app.modules.flatMap((m) => m.events));
    const signal = await listenForAppends(directUrl, {
      timeouts: config.database,
      onLost: (err) => {
        if (!reportUnavailable(err, 'event listener')) log.warn({ err }, 'event listener connection lost');
      },
    });
    cleanups.push(signal.close);
    // Back after an outage: projectors waiting out a back-off look at once.
    outage.onBack(signal.poke);
    const store = createEventStore(pool, catalog, { notify: signal.notify });
    // Reads of read-only requests from hot standbys, when there are any; everything else stays on the primary.
    const routing = config.replicas.urls.length
      ? createReadRouting({
          primary: pool,
          urls: config.replicas.urls,
          timeouts: config.database,
          projectors: () => consumers.filter((c) => c.kind === 'read-model').map((c) => c.name),
          maxLagMs: config.replicas.maxLagMs,
          waitMs: config.readYourWritesTimeoutMs,
          log,
        })
      : null;
    if (routing) cleanups.push(routing.stop);
    const readPool = routing?.pool ?? pool;
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    cleanups.push(() => prisma.$disconnect());

    const jobs = await startJobs(directUrl, log, {
      work: role !== 'web',
      connectTimeoutMs: config.database.connectMs,
      reportUnavailable,
    });
    cleanups.push(jobs.stop);

    const mailer = createMailer(config.smtpUrl, config.mailFrom, log);
    const consumers: Consumer[] = [...app.readModels];
    let runner: ProjectionRunner | null = null;
    const publicCache = createPublicCache({ ttlMs: config.publicCacheMs });
    const rebuild = async (
      name: string,
      onProgress?: (p: RebuildProgress) => void,
      options: { wait?: () => void } = {},
    ) => {
      const projector = consumers.find((c) => c.name === name);
      if (projector?.kind !== 'read-model') throw new Error(`no read-model projector named ${name}`);
      await rebuildProjector(longWork, store, projector, onProgress, options);
      publicCache.clear();
      signal.poke();
    };
    const reactorContext = { store, jobs, pool, log, mailer, config };
    const retry = async (name: string) => {
      const consumer = consumers.find((c) => c.name === name);
      if (!consumer) throw new Error(`no projector or reactor named ${name}`);
      const outcome = await retrySetAside(pool, store, consumer, reactorContext);
      if (outcome.applied.length > 0 && consumer.kind === 'read-model') publicCache.clear();
      return outcome;
    };
    const waitForReadModels: ReadYourWrites = async ({ checkpoint }, options = {}) => {
      noteWrite(checkpoint);
      if (!runner) return;
      const names = options.also?.length
        ? [...consumers.filter((c) => c.kind === 'read-model').map((c) => c.name), ...options.also]
        : undefined;
      const done = await runner.waitFor(checkpoint, {
        timeoutMs: config.readYourWritesTimeoutMs,
        ...(names ? { names } : {}),
      });
      if (!done) log.warn({ checkpoint }, 'read models did not catch up within the read-your-writes wait');
    };
    const command: CommandContext = { store, waitForReadModels, now: options.clock ?? (() => new Date()) };
    // Plain reads of read-only requests go to a replica when there is one (readPool); commands to the primary.
    const query: QueryContext = { pool: readPool, prisma };
    const context: ModuleContext = {
      command,
      query,
      config,
      log,
      pool: readPool,
      jobs,
      mailer,
      readModels: app.readModels.map((c) => c.name),
    };
    for (const m of app.modules) consumers.push(...(m.consumers ?? []));
    runner = createProjectionRunner({
      pool,
      url: directUrl,
      store,
      signal,
      consumers,
      log,
      context: reactorContext,
      timeouts: config.database,
      reportUnavailable,
    });
    // A read model changed here: no signed-out visitor may be answered from before it. (Reactors change none.)
    runner.onProgress((consumer) => {
      if (consumer.kind === 'read-model') publicCache.clear();
    });
    // A job that finds a rebuild of the same projector running (from the command line, say) waits for it and then
    // rebuilds; one that fails says so in the log and in the projector's status (pg-boss alone only marks it).
    await jobs.define<{ name: string }>(REBUILD_QUEUE, async ({ name }, jobId) => {
      log.info({ projector: name, jobId }, 'rebuilding projection');
      try {
        await rebuild(name, undefined, {
          wait: () => log.info({ projector: name, jobId }, 'waiting for the rebuild already running'),
        });
      } catch (err) {
        log.error({ err, projector: name, jobId }, 'projection rebuild failed');
        await recordRebuildFailure(pool, name, err);
        throw err;
      }
      log.info({ projector: name, jobId }, 'projection rebuilt');
    });

    // Modules declare their job queues and workers before any reactor may send to them.
    for (const m of app.modules) if (m.onStart) await m.onStart(context);
    if (options.runProjectors !== false && role !== 'web') {
      await runner.start();
      cleanups.push(runner.stop);
    }

    const http = await createHttpApp({
      log,
      trustProxy: config.trustProxy,
      publicOrigin: config.publicOrigin,
      checkAnswers: config.env === 'test',
      authenticate: app.authenticate(context),
      health: async () => {
        const down = { status: 'unavailable' as const, database: 'down' as const, projectionLag: -1 };
        // Known down: answer at once rather than queue behind the requests waiting for connections.
        if (outage.isDown()) return down;
        try {
          const status = await withDeadline(projectionStatus(pool, consumers), HEALTH_DEADLINE_MS, 'health');
          const setAsideEvents = status.reduce((n, s) => n + s.setAside, 0);
          // Serving, but some read model or reactor lacks the events it set aside (projections status lists them).
          return {
            status: setAsideEvents > 0 ? ('degraded' as const) : ('ok' as const),
            database: 'up' as const,
            projectionLag: Math.max(0, ...status.map((s) => s.lag)),
            setAsideEvents,
            ...(routing ? { replicas: routing.replicas() } : {}),
          };
        } catch (err) {
          reportUnavailable(err, 'health');
          return down;
        }
      },
      // A worker answers /healthz only: its HTTP port is for the orchestrator's health check.
      routes:
        role === 'worker'
          ? []
          : [
              (scope) => projectionRoutes(scope, { pool, consumers, jobs, retrySetAside: retry }),
              ...app.modules
                .filter((m) => m.routes)
                .map((m) => (scope: FastifyInstance) => m.routes!(scope, context)),
            ],
      publicCache,
      readRouting: routing !== null,
      ...(options.webDistDir && role !== 'worker'
        ? { web: (a: FastifyInstance) => mountWeb(a, options.webDistDir!, publicCache) }
        : {}),
    });
    await http.ready();
    // Stop order (reverse): HTTP drains first, then projectors, jobs, listener, Prisma, pool, PostgreSQL.
    cleanups.push(() => http.close());

    return {
      ...context,
      store,
      prisma,
      waitForReadModels,
      consumers,
      rebuild,
      url,
      http,
      runner,
      signal,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
