export { type ProjectorsWait, waitForProjectors } from './await-projectors.ts';
export { lockCheckpoint } from './checkpoint-lock.ts';
export {
  causedBy,
  defineProjector,
  defineReactor,
  type ProjectorHandlers,
  type ProjectorOf,
  type ReactorHandlers,
  type RunOf,
} from './define.ts';
export {
  clearStaleRebuilds,
  isRebuilding,
  type RebuildProgress,
  RebuildRunningError,
  rebuildProjector,
  recordRebuildFailure,
} from './rebuild.ts';
export {
  createProjectionRunner,
  ensureCheckpoints,
  POISON_TRIES,
  type ProjectionRunner,
  projectBatch,
} from './runner.ts';
export {
  eventAt,
  listSetAside,
  type RetryOutcome,
  retrySetAside,
  type SetAsideEntry,
  setAsideCounts,
} from './set-aside.ts';
export { projectionStatus } from './status.ts';
export type { Consumer, ProjectionStatus, Projector, Reactor, ReactorContext } from './types.ts';
