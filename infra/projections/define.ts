import type { PoolClient } from '../db/pool.ts';
import type { EventMetadata, Recorded, StoredEvent } from '../event-store/index.ts';
import type { Projector, Reactor, ReactorContext } from './types.ts';

type AnyEvent = { type: string; data: unknown };

/** The events of one type out of a union, as they are stored. */
export type RunOf<E extends AnyEvent, K extends E['type']> = Recorded<Extract<E, { type: K }>>[];

/**
 * A projector's handlers, keyed by the event types it reads. Each is given a run: consecutive events of the log
 * that share the handler (a run of one is a run), so that it writes them with a few set-based statements. Give
 * several types the same function when their effects fold together in order (a seat taken, then freed).
 */
export type ProjectorHandlers<E extends AnyEvent> = {
  [K in E['type']]?: (db: PoolClient, run: RunOf<E, K>) => Promise<unknown>;
};

export type ReactorHandlers<E extends AnyEvent> = {
  [K in E['type']]?: (db: PoolClient, run: RunOf<E, K>, context: ReactorContext) => Promise<unknown>;
};

type Handler<Args extends unknown[]> = (
  db: PoolClient,
  run: StoredEvent[],
  ...rest: Args
) => Promise<unknown>;

/** Cuts a batch into runs of consecutive events that share a handler, in log order. */
function runsOf<Args extends unknown[]>(
  events: StoredEvent[],
  handlers: Record<string, Handler<Args> | undefined>,
): { handler: Handler<Args>; events: StoredEvent[] }[] {
  const runs: { handler: Handler<Args>; events: StoredEvent[] }[] = [];
  for (const event of events) {
    const handler = handlers[event.type];
    if (!handler) continue;
    const last = runs[runs.length - 1];
    if (last?.handler === handler) last.events.push(event);
    else runs.push({ handler, events: [event] });
  }
  return runs;
}

const typesOf = (handlers: Record<string, unknown>) =>
  Object.keys(handlers).filter((type) => handlers[type] !== undefined);

declare const reads: unique symbol;

/** A projector that keeps, as a type only, the union of events it reads: a test of it gives events of that union. */
export type ProjectorOf<E extends AnyEvent> = Projector & { readonly [reads]?: E };

/** A read-model projector from its handlers: it reads exactly the event types it has handlers for. */
export function defineProjector<E extends AnyEvent>(definition: {
  name: string;
  tables: string[];
  on: ProjectorHandlers<E>;
}): ProjectorOf<E> {
  const handlers = definition.on as Record<string, Handler<[]> | undefined>;
  return {
    name: definition.name,
    kind: 'read-model',
    tables: definition.tables,
    eventTypes: typesOf(handlers),
    handle: async (client, events) => {
      for (const run of runsOf(events, handlers)) await run.handler(client, run.events);
    },
  };
}

/**
 * The metadata of what a reactor appends because of `event`: which event caused it (its stream and version), which
 * reactor, and on whose behalf (nobody's unless said).
 */
export const causedBy = (
  event: Pick<StoredEvent, 'streamId' | 'streamVersion'>,
  reactor: string,
  actorId: string | null = null,
): EventMetadata => ({ actorId, causationId: `${event.streamId}:${event.streamVersion}`, reactor });

/** A reactor from its handlers, typed the same way; each handler also gets the reactor context. */
export function defineReactor<E extends AnyEvent>(definition: {
  name: string;
  on: ReactorHandlers<E>;
}): Reactor {
  const handlers = definition.on as Record<string, Handler<[ReactorContext]> | undefined>;
  return {
    name: definition.name,
    kind: 'reactor',
    eventTypes: typesOf(handlers),
    handle: async (client, events, context) => {
      for (const run of runsOf(events, handlers)) await run.handler(client, run.events, context);
    },
  };
}
