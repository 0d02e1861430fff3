import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { type Config, loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { type AppDefinition, type Platform, startPlatform } from '../platform.ts';

/** A fresh, empty database for this test file on the run's PostgreSQL server; dropped when the file ends. */
export async function createTestDatabase(): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  const name = `skillswap_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  // A lost connection fails the query below; the client's own 'error' event must not end the test run.
  client.on('error', () => {});
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  afterAll(async () => {
    const c = new pg.Client({ connectionString: admin });
    c.on('error', () => {});
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await c.end();
  });
  return url.toString();
}

/** The test database's URL for the app: through the run's PgBouncer when there is one (TEST_PGBOUNCER=1). */
function appUrls(databaseUrl: string): Pick<Config, 'databaseUrl' | 'databaseDirectUrl'> {
  const port = inject('pgbouncerPort');
  const server = new URL(inject('adminDatabaseUrl'));
  const pooled = new URL(databaseUrl);
  // A database elsewhere than on the run's server (behind a test's faulty link, say) is used as it is.
  if (!port || pooled.host !== server.host) return { databaseUrl, databaseDirectUrl: undefined };
  pooled.hostname = '127.0.0.1';
  pooled.port = String(port);
  return { databaseUrl: pooled.toString(), databaseDirectUrl: databaseUrl };
}

export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ NODE_ENV: 'test', SEED_DEMO: '0', LOG_LEVEL: 'silent' }),
    // Daily abuse limits would trip over test files that create many sessions with one member; the tests of
    // those limits set their own.
    limits: { sessionsPerDay: 1000, reviewsPerDay: 1000, reportsPerDay: 1000, swapsPerDay: 1000 },
    ...appUrls(databaseUrl),
    ...overrides,
  };
}

export const testLogger = () =>
  createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false });

/** The whole app on a fresh database, without listening: tests talk to it through `platform.http.inject`. */
export async function startTestPlatform(
  app: AppDefinition,
  options: {
    config?: Partial<Config>;
    runProjectors?: boolean;
    webDistDir?: string;
    clock?: () => Date;
  } = {},
): Promise<Platform> {
  const url = await createTestDatabase();
  const platform = await startPlatform(testConfig(url, options.config), testLogger(), app, {
    runProjectors: options.runProjectors ?? true,
    ...(options.webDistDir ? { webDistDir: options.webDistDir } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  afterAll(() => platform.stop());
  return platform;
}
