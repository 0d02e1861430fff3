import type { z } from 'zod';
import type { EventDefinition } from './catalog.ts';
import type { StoredEvent } from './store.ts';

// Types that let a module's list of event definitions be the one description of its events: deciders, evolve,
// projectors and reactors all take their event types from it, and no code casts `event.data`.

type AnyEvent = { type: string; data: unknown };

/** An event as a decider produces it and evolve folds it: its type and its data at the current version. */
export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? { type: T; data: z.output<S> } : never;

/** The union of the events a list of definitions defines (a module's published events). */
export type EventsOf<Defs extends readonly EventDefinition[]> = EventOf<Defs[number]>;

/** A stored event whose type narrows its data, for projectors and reactors. */
export type Recorded<E extends AnyEvent> = E extends unknown
  ? Omit<StoredEvent<E['data']>, 'type'> & { type: E['type'] }
  : never;

/** Each event type's data, by type name: `EventDataOf<SessionEvent>['SessionScheduled']`. */
export type EventDataOf<E extends AnyEvent> = { [K in E['type']]: Extract<E, { type: K }>['data'] };
