// Boots SkillSwap: `npm start` (after building the website) or `npm run serve [-- --role=web|worker|all]`.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../infra/config.ts';
import { DataDirInUseError, DataDirUnreachableError } from '../infra/db/index.ts';
import { createLogger } from '../infra/logger.ts';
import { ROLES, type Role, startPlatform } from '../infra/platform.ts';
import { skillswap } from '../modules/index.ts';
import { DEMO_PASSWORD, isEmpty, seedDemoCommunity } from './demo/community.ts';

let config: ReturnType<typeof loadConfig>;
let role: Role;
try {
  config = loadConfig();
  role = roleFrom(process.argv.slice(2), config.databaseUrl !== undefined);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

function roleFrom(args: string[], sharedDatabase: boolean): Role {
  let given: string | undefined;
  try {
    given = parseArgs({ args, options: { role: { type: 'string' } } }).values.role;
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (the server takes --role=${ROLES.join('|')})`);
  }
  const value = given ?? 'all';
  if (!(ROLES as readonly string[]).includes(value))
    throw new ConfigError(`--role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(value)})`);
  // The embedded PostgreSQL belongs to one process: web and worker processes meet on a database of their own.
  if (value !== 'all' && !sharedDatabase)
    throw new ConfigError(`--role=${value} needs DATABASE_URL: processes by role share one PostgreSQL`);
  return value as Role;
}
const log = createLogger({ level: config.logLevel, pretty: config.env === 'development' });

try {
  const platform = await startPlatform(config, log, skillswap, {
    webDistDir: fileURLToPath(new URL('../web/dist', import.meta.url)),
    role,
  });
  // A newcomer's first start on the embedded database gets a living site (never with DATABASE_URL or in production).
  if (
    role === 'all' &&
    !config.databaseUrl &&
    config.seedDemo &&
    config.env !== 'production' &&
    (await isEmpty(platform))
  ) {
    log.info('empty database: creating the demo community (SEED_DEMO=0 turns this off)');
    await seedDemoCommunity(platform);
    log.info(
      `demo community ready: sign in as kwame@skillswap.demo (or morgan@ for admin), password ${DEMO_PASSWORD}`,
    );
  }
  await platform.http.listen({ port: config.port, host: config.host });
  const where = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  if (role === 'worker') log.info(`SkillSwap worker running projectors, reactors and jobs; ${where}/healthz`);
  else
    log.info(`SkillSwap is at ${where}${role === 'web' ? ' (web: projectors and jobs run in workers)' : ''}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took over 20 s; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    await platform.stop();
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (err) {
  if (err instanceof DataDirInUseError || err instanceof DataDirUnreachableError) {
    log.error(err.message);
  } else {
    log.error({ err }, 'SkillSwap could not start');
  }
  process.exit(1);
}
