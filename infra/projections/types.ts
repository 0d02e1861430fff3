import type { Config } from '../config.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import type { EventStore, StoredEvent } from '../event-store/index.ts';
import type { Jobs } from '../jobs/index.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../mail.ts';

/** What a reactor may use besides its transaction: appends go through `client`, side effects through these. */
export type ReactorContext = {
  store: EventStore;
  jobs: Jobs;
  pool: Pool;
  log: Logger;
  mailer: Mailer;
  config: Config;
};

/**
 * A projector turns events into rows of its own read-model tables. `handle` gets a batch of the event types it
 * names, in log order, and a client inside the transaction that also moves its checkpoint: an event's effect lands
 * exactly once. It writes with unqualified table names, so that a rebuild can point it at fresh tables.
 * Handlers must be deterministic: take time from `event.recordedAt`, never from the clock.
 */
export type Projector = {
  name: string;
  kind: 'read-model';
  tables: string[];
  eventTypes: string[];
  handle: (client: PoolClient, events: StoredEvent[]) => Promise<void>;
};

/**
 * A reactor turns events into further events (points for a completed session, say). It appends through the
 * client it is given, in the same transaction as its checkpoint, so each reaction is appended exactly once.
 * Reactors are never rebuilt: their output is history.
 */
export type Reactor = {
  name: string;
  kind: 'reactor';
  eventTypes: string[];
  handle: (client: PoolClient, events: StoredEvent[], context: ReactorContext) => Promise<void>;
};

export type Consumer = Projector | Reactor;

export type { ProjectionStatus } from './views.ts';
