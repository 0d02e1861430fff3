export { type DataUpgrade, runDataUpgrades } from './data-upgrades.ts';
export { attachOrStartEmbedded, DataDirInUseError, startEmbedded } from './embedded.ts';
export { isDatabaseUnavailable } from './errors.ts';
export { migrate, readMigrations } from './migrate.ts';
export {
  type DatabaseOutage,
  DeadlineExceeded,
  watchDatabaseOutages,
  withDeadline,
} from './outage.ts';
export {
  connectionConfig,
  createPool,
  type DatabaseTimeouts,
  forLongWork,
  LONG_WORK_TIMEOUTS,
  type Pool,
  type PoolClient,
  type Queryable,
  releaseClient,
  withTransaction,
} from './pool.ts';
export { DataDirUnreachableError } from './postgres-user.ts';
export {
  createReadRouting,
  decodeSeen,
  encodeSeen,
  noteWrite,
  type ReadRequest,
  type ReplicaStatus,
  SEEN_COOKIE,
  withReadRequest,
} from './replicas.ts';
