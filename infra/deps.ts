import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PrismaClient } from '../prisma/generated/client.ts';
import type { Config } from './config.ts';
import type { DataUpgrade, Pool, Queryable } from './db/index.ts';
import type { Checkpoint, EventDefinition, EventStore } from './event-store/index.ts';
import type { SignedInUser } from './http/index.ts';
import type { Jobs } from './jobs/index.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail.ts';
import type { Consumer } from './projections/index.ts';

// The shapes that join the app to the platform: what modules are given (their contexts) and what they give
// (definitions).

/**
 * Read-your-writes: waits (bounded by config) until the read models have applied this write, and the consumers
 * named in `also` (reactors whose reaction the answer promises) have processed it.
 */
export type ReadYourWrites = (
  written: { checkpoint: Checkpoint },
  options?: { also?: string[] },
) => Promise<void>;

/**
 * What a command handler is given, and nothing more: the event store (streams, appends, transactions), the
 * read-your-writes wait and the clock. A handler decides from streams and the facts its command carries; it never
 * reads a read model.
 */
export type CommandContext = { store: EventStore; waitForReadModels: ReadYourWrites; now: () => Date };

/** What a read-model query is given: the database, plain and through Prisma's typed client (one shared pool). */
export type QueryContext = { pool: Queryable; prisma: PrismaClient };

/**
 * What a module's edge (its HTTP routes and its start-up) is given: a command context for handlers, a query
 * context for read models, and the machinery routes use themselves (settings, the log, jobs, mail, the pool that
 * throttles count in).
 */
export type ModuleContext = {
  command: CommandContext;
  query: QueryContext;
  config: Config;
  log: Logger;
  jobs: Jobs;
  mailer: Mailer;
  pool: Pool;
  /** The read-model projectors by name: what an admin may ask to have rebuilt. */
  readModels: readonly string[];
};

export type ModuleDefinition = {
  name: string;
  events: EventDefinition[];
  /** The module's reactors: they turn events into further events or side effects (jobs, emails). */
  consumers?: Consumer[];
  routes?: (app: FastifyInstance, context: ModuleContext) => Promise<void> | void;
  /** Changes to existing data, each run once after the migrations (and again over an imported log). */
  dataUpgrades?: DataUpgrade[];
  /** Runs once after start (the demo community, say). */
  onStart?: (context: ModuleContext) => Promise<void>;
};

export type AppDefinition = {
  modules: ModuleDefinition[];
  readModels: Consumer[];
  authenticate: (context: ModuleContext) => (request: FastifyRequest) => Promise<SignedInUser | null>;
};
