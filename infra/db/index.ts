export { attachOrStartEmbedded, DataDirInUseError, startEmbedded } from './embedded.ts';
export { isDatabaseUnavailable } from './errors.ts';
export { migrate, readMigrations } from './migrate.ts';
export { createPool, type Pool, type PoolClient, type Queryable, withTransaction } from './pool.ts';
export { DataDirUnreachableError } from './postgres-user.ts';
