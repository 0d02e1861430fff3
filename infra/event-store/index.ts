export {
  createCatalog,
  defineEvent,
  type EventCatalog,
  type EventDefinition,
  type PersonalFields,
  UnknownEventTypeError,
} from './catalog.ts';
export {
  CommandRejected,
  loadState,
  type Rejection,
  readStreamOf,
  runCommand,
  runCommandExclusive,
} from './command.ts';
export { type AppendSignal, listenForAppends } from './notifications.ts';
export {
  KEYED_HASH_SUBJECTS,
  keyedHash,
  keyedHasher,
  openPersonalData,
  shredPersonalData,
} from './personal-data.ts';
export { renameStreams, type StreamRename } from './rename-streams.ts';
export { UnstorableEventError } from './storable.ts';
export {
  type AppendResult,
  type Checkpoint,
  ConcurrencyError,
  createEventStore,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  isAtOrPast,
  type NewEvent,
  START,
  type StoredEvent,
  UndecodableEventError,
} from './store.ts';
export { type Subscription, subscribe } from './subscribe.ts';
export type { EventDataOf, EventOf, EventsOf, Recorded } from './typed.ts';
