// Boots SkillSwap: `npm start` (after building the website) or `npm run serve`.
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../infra/config.ts';
import { DataDirInUseError, DataDirUnreachableError } from '../infra/db/index.ts';
import { createLogger } from '../infra/logger.ts';
import { startPlatform } from '../infra/platform.ts';
import { skillswap } from '../modules/index.ts';
import { DEMO_PASSWORD, isEmpty, seedDemoCommunity } from './demo/community.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}
const log = createLogger({ level: config.logLevel, pretty: config.env === 'development' });

try {
  const platform = await startPlatform(config, log, skillswap, {
    webDistDir: fileURLToPath(new URL('../web/dist', import.meta.url)),
  });
  // A newcomer's first start on the embedded database gets a living site (never with DATABASE_URL or in production).
  if (!config.databaseUrl && config.seedDemo && config.env !== 'production' && (await isEmpty(platform))) {
    log.info('empty database: creating the demo community (SEED_DEMO=0 turns this off)');
    await seedDemoCommunity(platform);
    log.info(
      `demo community ready: sign in as kwame@skillswap.demo (or morgan@ for admin), password ${DEMO_PASSWORD}`,
    );
  }
  await platform.http.listen({ port: config.port, host: config.host });
  log.info(`SkillSwap is at http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`);

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
