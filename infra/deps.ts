import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PrismaClient } from '../prisma/generated/client.ts';
import type { Config } from './config.ts';
import type { DataUpgrade, Pool } from './db/index.ts';
import type { Checkpoint, EventDefinition, EventStore } from './event-store/index.ts';
import type { SignedInUser } from './http/index.ts';
import type { Jobs } from './jobs/index.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail.ts';
import type { Consumer, RebuildProgress } from './projections/index.ts';

// The shapes that join the app to the platform: what modules are given (Deps) and what they give (definitions).

/** What a module's routes and command handlers are given: plain values and functions, nothing global. */
export type Deps = {
  config: Config;
  log: Logger;
  pool: Pool;
  prisma: PrismaClient;
  store: EventStore;
  jobs: Jobs;
  mailer: Mailer;
  /**
   * Read-your-writes: waits (bounded by config) until the read models have applied this write, and the consumers
   * named in `also` (reactors whose reaction the answer promises) have processed it.
   */
  settle: (written: { checkpoint: Checkpoint }, options?: { also?: string[] }) => Promise<void>;
  rebuild: (name: string, onProgress?: (p: RebuildProgress) => void) => Promise<void>;
  consumers: Consumer[];
};

export type ModuleDefinition = {
  name: string;
  events: EventDefinition[];
  /** The module's reactors: they turn events into further events or side effects (jobs, emails). */
  consumers?: Consumer[];
  routes?: (app: FastifyInstance, deps: Deps) => Promise<void> | void;
  /** Changes to existing data, each run once after the migrations (and again over an imported log). */
  dataUpgrades?: DataUpgrade[];
  /** Runs once after start (the demo community, say). */
  onStart?: (deps: Deps) => Promise<void>;
};

export type AppDefinition = {
  modules: ModuleDefinition[];
  readModels: Consumer[];
  authenticate: (deps: Deps) => (request: FastifyRequest) => Promise<SignedInUser | null>;
};
