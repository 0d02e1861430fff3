import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanUpProcesses,
  freePort,
  makeDataDir,
  serverEnv,
  spawnTracked,
  within,
} from '../scripts/testing/processes.ts';
import { ConfigError, DEVELOPMENT_SESSION_SECRET, loadConfig } from './config.ts';

const SECRET = 'a-perfectly-random-production-secret-0123456789';

/** The message loadConfig refuses `env` with (the test fails if it is accepted). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('given nothing, runs in development on 127.0.0.1:3000 with the fixed development secret', () => {
    expect(loadConfig({})).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      seedDemo: true,
      trustProxy: false,
      sessionSecret: DEVELOPMENT_SESSION_SECRET,
      publicCacheMs: 2000,
    });
    expect(loadConfig({ PUBLIC_CACHE_MS: '0' }).publicCacheMs).toBe(0);
  });

  it('gives the database request timeouts a user would expect, each configurable and 0 for none', () => {
    expect(loadConfig({}).database).toEqual({
      connectMs: 3000,
      statementMs: 5000,
      idleInTransactionMs: 60_000,
      queryMs: 6000,
    });
    expect(
      loadConfig({
        DB_CONNECT_TIMEOUT_MS: '1500',
        DB_STATEMENT_TIMEOUT_MS: '0',
        DB_IDLE_IN_TRANSACTION_MS: '10000',
        DB_QUERY_TIMEOUT_MS: '0',
      }).database,
    ).toEqual({ connectMs: 1500, statementMs: 0, idleInTransactionMs: 10_000, queryMs: 0 });
  });

  it('given a bad value for any variable, names the variable and what it must be', () => {
    const cases: [string, string, string][] = [
      ['NODE_ENV', 'staging', 'NODE_ENV: must be one of development, production, test (got "staging")'],
      ['PORT', 'eighty', 'PORT: must be a number from 0 to 65535 (got "eighty")'],
      ['PORT', '70000', 'PORT: must be a number from 0 to 65535 (got "70000")'],
      ['PORT', '80.5', 'PORT: must be a number from 0 to 65535'],
      ['DATABASE_URL', 'mysql://db/x', 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
      ['SEED_DEMO', 'yes', 'SEED_DEMO: must be 0 or 1 (got "yes")'],
      ['LOG_LEVEL', 'loud', 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent'],
      ['SIGNUP_LIMIT_PER_IP', '0', 'SIGNUP_LIMIT_PER_IP: must be a whole number of at least 1 (got "0")'],
      ['LOGIN_FAILURE_LIMIT', '-3', 'LOGIN_FAILURE_LIMIT: must be a whole number of at least 1'],
      ['TRUST_PROXY', 'true', 'TRUST_PROXY: must be 0 or 1 (got "true")'],
      [
        'PUBLIC_ORIGIN',
        'skillswap.example',
        'PUBLIC_ORIGIN: must be a URL, such as https://skillswap.example',
      ],
      [
        'READ_YOUR_WRITES_TIMEOUT_MS',
        'soon',
        'READ_YOUR_WRITES_TIMEOUT_MS: must be a whole number of milliseconds',
      ],
      ['PUBLIC_CACHE_MS', '-1', 'PUBLIC_CACHE_MS: must be a whole number of milliseconds from 0 (no cache)'],
      ['PUBLIC_CACHE_MS', 'forever', 'PUBLIC_CACHE_MS: must be a whole number of milliseconds from 0'],
      [
        'DB_CONNECT_TIMEOUT_MS',
        'soon',
        'DB_CONNECT_TIMEOUT_MS: must be a whole number of milliseconds from 0 (no timeout) to 600000',
      ],
      ['DB_STATEMENT_TIMEOUT_MS', '-5', 'DB_STATEMENT_TIMEOUT_MS: must be a whole number of milliseconds'],
      [
        'DB_IDLE_IN_TRANSACTION_MS',
        '1.5',
        'DB_IDLE_IN_TRANSACTION_MS: must be a whole number of milliseconds',
      ],
      ['DB_QUERY_TIMEOUT_MS', '5s', 'DB_QUERY_TIMEOUT_MS: must be a whole number of milliseconds'],
      ['SMTP_URL', 'http://mail', 'SMTP_URL: must be an smtp:// or smtps:// URL'],
      ['MAIL_FROM', 'x', 'MAIL_FROM: must be a sender'],
      ['SESSION_SECRET', 'short', 'SESSION_SECRET: must be a random string of at least 32 characters'],
    ];
    for (const [name, value, message] of cases) {
      const text = refusal({ [name]: value });
      expect(text, `${name}=${value}`).toContain(message);
      expect(text, `${name}=${value}`).toMatch(/^Invalid configuration:\n {2}\w+: must be [^\n]+$/);
    }
  });

  it('given several bad values, reports each variable once, on a line of its own', () => {
    const text = refusal({ PORT: '-1', TRUST_PROXY: 'yes', SEED_DEMO: '2' });
    expect(text.split('\n')).toEqual([
      'Invalid configuration:',
      '  PORT: must be a number from 0 to 65535 (got "-1")',
      '  SEED_DEMO: must be 0 or 1 (got "2")',
      '  TRUST_PROXY: must be 0 or 1 (got "yes")',
    ]);
  });

  it('never echoes a secret or a URL that may hold a password', () => {
    expect(refusal({ SESSION_SECRET: 'hunter2' })).not.toContain('hunter2');
    expect(refusal({ DATABASE_URL: 'mysql://u:pw-in-url@db/x' })).not.toContain('pw-in-url');
    expect(refusal({ SMTP_URL: 'http://u:pw-in-url@mail' })).not.toContain('pw-in-url');
  });

  it('takes an empty variable (PORT= in a compose file) as unset', () => {
    expect(loadConfig({ PORT: '', SEED_DEMO: ' ', DATABASE_URL: '' })).toMatchObject({
      port: 3000,
      seedDemo: true,
      databaseUrl: undefined,
    });
  });

  it('in production, refuses to start without SESSION_SECRET, with a short one or with the development one', () => {
    expect(refusal({ NODE_ENV: 'production' })).toBe(
      'Invalid configuration:\n  SESSION_SECRET: must be a random string of at least 32 characters ' +
        '(openssl rand -hex 32 makes one), set when NODE_ENV=production',
    );
    expect(refusal({ NODE_ENV: 'production', SESSION_SECRET: '' })).toContain('set when NODE_ENV=production');
    expect(refusal({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(31) })).toContain('SESSION_SECRET');
    expect(refusal({ NODE_ENV: 'production', SESSION_SECRET: DEVELOPMENT_SESSION_SECRET })).toContain(
      'not the development value',
    );
  });

  it('in production, accepts a secret of 32 characters or more and exposes it as sessionSecret', () => {
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET })).toMatchObject({
      env: 'production',
      sessionSecret: SECRET,
    });
    expect(loadConfig({ NODE_ENV: 'test' }).sessionSecret).toBe(DEVELOPMENT_SESSION_SECRET);
  });
});

describe('node scripts/server.ts with a bad configuration', () => {
  afterAll(cleanUpProcesses, 60_000);

  it('in production without SESSION_SECRET, exits 1 printing the message before touching DATA_DIR', {
    timeout: 60_000,
  }, async () => {
    const dataDir = await makeDataDir();
    const { SESSION_SECRET: _secret, ...env } = serverEnv(dataDir, await freePort());
    const server = spawnTracked(process.execPath, ['scripts/server.ts'], { ...env, NODE_ENV: 'production' });
    const { code } = await within(30_000, 'the server exiting', server.exited);
    expect(code, server.output()).toBe(1);
    expect(server.output()).toContain('Invalid configuration:\n  SESSION_SECRET: must be a random string');
    expect(server.output()).toContain('set when NODE_ENV=production');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('given a bad PORT, exits 1 naming PORT and what it must be', { timeout: 60_000 }, async () => {
    const dataDir = await makeDataDir();
    const server = spawnTracked(process.execPath, ['scripts/server.ts'], {
      ...serverEnv(dataDir, 0),
      PORT: 'eighty',
    });
    const { code } = await within(30_000, 'the server exiting', server.exited);
    expect(code, server.output()).toBe(1);
    expect(server.output()).toContain('PORT: must be a number from 0 to 65535 (got "eighty")');
  });
});
