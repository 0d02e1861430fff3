export { type ProjectorsWait, waitForProjectors } from './await-projectors.ts';
export { lockCheckpoint } from './checkpoint-lock.ts';
export {
  defineProjector,
  defineReactor,
  type ProjectorHandlers,
  type ProjectorOf,
  type ReactorHandlers,
  type RunOf,
} from './define.ts';
export {
  clearStaleRebuilds,
  type RebuildProgress,
  RebuildRunningError,
  rebuildProjector,
} from './rebuild.ts';
export { createProjectionRunner, ensureCheckpoints, type ProjectionRunner, projectBatch } from './runner.ts';
export { projectionStatus } from './status.ts';
export type { Consumer, ProjectionStatus, Projector, Reactor, ReactorContext } from './types.ts';
