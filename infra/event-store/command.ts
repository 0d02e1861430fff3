import type { PoolClient, Queryable } from '../db/index.ts';
import type { AppendResult, EventMetadata, EventStore } from './store.ts';
import type { Recorded } from './typed.ts';

export type Rejection = {
  reason: 'not_found' | 'conflict' | 'unauthenticated' | 'forbidden' | 'validation_failed';
  message: string;
  /** For validation_failed: the fields at fault, as `{path, message}`. */
  details?: { path: string; message: string }[];
};

export class CommandRejected extends Error {
  readonly rejection: Rejection;
  constructor(rejection: Rejection) {
    super(rejection.message);
    this.rejection = rejection;
  }
}

type Decider<State, Command, Event extends { type: string; data: unknown }> = {
  initialState: State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event[] | Rejection;
};

/**
 * A stream's events, typed by the union of events its module writes there. The store upcasts every event it reads
 * to its type's current version, so each event's data is of that version's schema (the one trusted step, as in
 * loadState's fold).
 */
export async function readStreamOf<E extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  db?: Queryable,
  options: { types?: E['type'][]; toVersion?: number } = {},
): Promise<Recorded<E>[]> {
  return (await store.readStream(streamId, db, options)) as unknown as Recorded<E>[];
}

/** Folds a stream into its current state, with the version to expect on the next append. */
export async function loadState<State, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  client?: PoolClient,
): Promise<{ state: State; version: number }> {
  const events = await store.readStream(streamId, client);
  const state = events.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState);
  return { state, version: events.length === 0 ? 0 : events[events.length - 1]!.streamVersion };
}

/**
 * Load, decide, append with the version that was loaded (a concurrent writer makes it a ConcurrencyError).
 * Throws CommandRejected when the decider says no. Returns the new state and where the events landed.
 */
export async function runCommand<State, Command, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  metadata: EventMetadata,
  client?: PoolClient,
): Promise<{ state: State; events: Event[]; appended: AppendResult | null }> {
  const { state, version } = await loadState(store, streamId, decider, client);
  const decision = decider.decide(command, state);
  if (!Array.isArray(decision)) throw new CommandRejected(decision);
  if (decision.length === 0) return { state, events: [], appended: null };
  const appended = await store.append(streamId, version, decision, {
    metadata,
    ...(client ? { client } : {}),
  });
  return { state: decision.reduce(decider.evolve, state), events: decision, appended };
}

/**
 * runCommand with the stream locked for the length of a transaction: concurrent commands on one hot stream (200
 * members registering for one session) queue up instead of failing on the expected version and retrying.
 */
export async function runCommandExclusive<State, Command, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  metadata: EventMetadata,
) {
  return store.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [streamId]);
    return runCommand(store, streamId, decider, command, metadata, client);
  });
}
