import path from 'node:path';
import { z } from 'zod';
import type { DatabaseTimeouts } from './db/pool.ts';

// Every setting is read once, here, and validated: a bad value stops the start with one line per bad variable,
// naming it and saying what is expected (`PORT: must be a number from 0 to 65535 (got "eighty")`).

/** What development and tests sign with. Production refuses it: a secret in the repository is no secret. */
export const DEVELOPMENT_SESSION_SECRET = 'skillswap-development-session-secret-not-for-production';
const SESSION_SECRET_MIN = 32;

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const intFrom = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const positive = (fallback: number) => intFrom(1, Number.MAX_SAFE_INTEGER, fallback);

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFrom(0, 65535, 3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_DIRECT_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_REPLICA_URLS: z
    .string()
    .default('')
    .refine((v) => list(v).every((u) => z.url({ protocol: /^postgres(ql)?$/ }).safeParse(u).success)),
  DATABASE_REPLICA_MAX_LAG_MS: positive(5000),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_CONNECT_TIMEOUT_MS: intFrom(0, 600_000, 3000),
  DB_STATEMENT_TIMEOUT_MS: intFrom(0, 86_400_000, 5000),
  DB_IDLE_IN_TRANSACTION_MS: intFrom(0, 86_400_000, 60_000),
  DB_QUERY_TIMEOUT_MS: intFrom(0, 86_400_000, 6000),
  SEED_DEMO: z.enum(['0', '1']).default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIGNUP_LIMIT_PER_IP: positive(20),
  LOGIN_FAILURE_LIMIT: positive(10),
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  PUBLIC_ORIGIN: z.url().optional(),
  READ_YOUR_WRITES_TIMEOUT_MS: positive(3000),
  PUBLIC_CACHE_MS: intFrom(0, 3_600_000, 2000),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('SkillSwap <no-reply@skillswap.local>'),
  SESSION_SECRET: z.string().min(SESSION_SECRET_MIN).optional(),
  SESSIONS_PER_DAY: positive(10),
  REVIEWS_PER_DAY: positive(20),
  REPORTS_PER_DAY: positive(10),
  SWAPS_PER_DAY: positive(10),
  NO_SHOW_LIMIT: positive(3),
  NO_SHOW_WINDOW_DAYS: positive(60),
  NO_SHOW_COOLDOWN_DAYS: positive(14),
  LATE_LEAVE_HOURS: intFrom(0, 8760, 3),
  REPORT_HIDE_THRESHOLD: z.coerce.number().positive().default(3),
  BLOCKED_WORDS: z.string().default(''),
  BLOCKED_DOMAINS: z.string().default(''),
});

type Variable = keyof typeof configSchema.shape;

/** What each variable must be, in words: zod's own messages ("Too big: expected number to be <=65535") are not. */
const EXPECTED: Record<Variable, string> = {
  NODE_ENV: 'one of development, production, test',
  PORT: 'a number from 0 to 65535',
  HOST: 'an interface name or address, such as 127.0.0.1 or 0.0.0.0',
  DATABASE_URL: 'a postgres:// or postgresql:// URL',
  DATABASE_DIRECT_URL:
    'a postgres:// or postgresql:// URL, of the same database as DATABASE_URL but not through a pooler',
  DATABASE_REPLICA_URLS: 'comma-separated postgres:// URLs of hot standbys of DATABASE_URL',
  DATABASE_REPLICA_MAX_LAG_MS: 'a whole number of milliseconds, at least 1',
  DATA_DIR: 'a directory path',
  DB_CONNECT_TIMEOUT_MS: 'a whole number of milliseconds from 0 (no timeout) to 600000',
  DB_STATEMENT_TIMEOUT_MS: 'a whole number of milliseconds from 0 (no timeout) to 86400000',
  DB_IDLE_IN_TRANSACTION_MS: 'a whole number of milliseconds from 0 (no timeout) to 86400000',
  DB_QUERY_TIMEOUT_MS: 'a whole number of milliseconds from 0 (no timeout) to 86400000',
  SEED_DEMO: '0 or 1',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  SIGNUP_LIMIT_PER_IP: 'a whole number of at least 1',
  LOGIN_FAILURE_LIMIT: 'a whole number of at least 1',
  TRUST_PROXY: '0 or 1',
  PUBLIC_ORIGIN: 'a URL, such as https://skillswap.example',
  READ_YOUR_WRITES_TIMEOUT_MS: 'a whole number of milliseconds, at least 1',
  PUBLIC_CACHE_MS: 'a whole number of milliseconds from 0 (no cache) to 3600000',
  SMTP_URL: 'an smtp:// or smtps:// URL, such as smtp://user:pass@host:587',
  MAIL_FROM: 'a sender such as "SkillSwap <no-reply@example.com>"',
  SESSION_SECRET: `a random string of at least ${SESSION_SECRET_MIN} characters (openssl rand -hex 32 makes one)`,
  SESSIONS_PER_DAY: 'a whole number of at least 1',
  REVIEWS_PER_DAY: 'a whole number of at least 1',
  REPORTS_PER_DAY: 'a whole number of at least 1',
  SWAPS_PER_DAY: 'a whole number of at least 1',
  NO_SHOW_LIMIT: 'a whole number of at least 1',
  NO_SHOW_WINDOW_DAYS: 'a whole number of days, at least 1',
  NO_SHOW_COOLDOWN_DAYS: 'a whole number of days, at least 1',
  LATE_LEAVE_HOURS: 'a whole number of hours from 0 (leaving before the start is never a no-show) to 8760',
  REPORT_HIDE_THRESHOLD: 'a number above 0, such as 3',
  BLOCKED_WORDS: 'a comma-separated list of words',
  BLOCKED_DOMAINS: 'a comma-separated list of domains, such as spam.example,scam.example',
};

/** Their values never appear in a message: they hold passwords or are secrets themselves. */
const SECRET: ReadonlySet<Variable> = new Set([
  'DATABASE_URL',
  'DATABASE_DIRECT_URL',
  'SMTP_URL',
  'SESSION_SECRET',
]);

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /**
   * The same database without a pooler in between, for what needs a session of its own (LISTEN, session advisory
   * locks, pg-boss, migrations, rebuilds). Set apart from DATABASE_URL, it makes DATABASE_URL a transaction pooler.
   */
  databaseDirectUrl: string | undefined;
  /** Hot standbys for the reads of read-only requests (infra/db/replicas.ts), skipped past this lag. */
  replicas: { urls: string[]; maxLagMs: number };
  dataDir: string;
  /**
   * The timeouts of the server's requests and projectors on the database. Migrations, rebuilds and the admin
   * command line run without the statement and query timeouts (forLongWork).
   */
  database: DatabaseTimeouts;
  seedDemo: boolean;
  logLevel: string;
  signupLimitPerIp: number;
  loginFailureLimit: number;
  trustProxy: boolean;
  publicOrigin: string | undefined;
  readYourWritesTimeoutMs: number;
  /** How long a signed-out visitor's answer may be kept when another server process changes the data; 0: off. */
  publicCacheMs: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Signs what must not be forged; required in production, a fixed value in development and tests. */
  sessionSecret: string;
  /** Abuse limits: per member and day. */
  limits: { sessionsPerDay: number; reviewsPerDay: number; reportsPerDay: number; swapsPerDay: number };
  /**
   * The no-show policy: `limit` no-shows within `windowDays` bar registering for `cooldownDays`; leaving less
   * than `lateLeaveHours` before the start is a no-show.
   */
  noShows: { limit: number; windowDays: number; cooldownDays: number; lateLeaveHours: number };
  /** Open reports whose weights add up to this hide their content at once, pending review. */
  reportHideThreshold: number;
  /** New content containing these is flagged into the moderation queue. */
  blocked: { words: string[]; domains: string[] };
};

/**
 * Where links in emails point: PUBLIC_ORIGIN, else the address the server listens on. Never a request's Host
 * header, which whoever sends the request chooses: a link mailed to someone else would lead to the sender's site.
 */
export const emailLinkOrigin = (config: Pick<Config, 'publicOrigin' | 'host' | 'port'>) =>
  config.publicOrigin ?? `http://${config.host}:${config.port}`;

export class ConfigError extends Error {}

function problem(name: Variable, value: string | undefined): string {
  const got = value === undefined || SECRET.has(name) ? '' : ` (got ${JSON.stringify(value)})`;
  return `  ${name}: must be ${EXPECTED[name]}${got}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`PORT=` in a compose or .env file) means "not set", not zero or an empty string.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = configSchema.safeParse(given);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0]) as Variable))];
    throw new ConfigError(`Invalid configuration:\n${names.map((n) => problem(n, given[n])).join('\n')}`);
  }
  const c = parsed.data;
  if (c.DATABASE_REPLICA_URLS.trim() && !c.DATABASE_URL)
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_REPLICA_URLS: set only with DATABASE_URL (the primary they replicate)',
    );
  if (c.DATABASE_DIRECT_URL && !c.DATABASE_URL)
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_DIRECT_URL: set only with DATABASE_URL (the pooled URL of the same database)',
    );
  if (c.NODE_ENV === 'production' && (!c.SESSION_SECRET || c.SESSION_SECRET === DEVELOPMENT_SESSION_SECRET)) {
    const why = c.SESSION_SECRET ? 'not the development value' : 'set when NODE_ENV=production';
    throw new ConfigError(
      `Invalid configuration:\n  SESSION_SECRET: must be ${EXPECTED.SESSION_SECRET}, ${why}`,
    );
  }
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    databaseDirectUrl: c.DATABASE_DIRECT_URL,
    replicas: { urls: list(c.DATABASE_REPLICA_URLS), maxLagMs: c.DATABASE_REPLICA_MAX_LAG_MS },
    dataDir: path.resolve(c.DATA_DIR),
    database: {
      connectMs: c.DB_CONNECT_TIMEOUT_MS,
      statementMs: c.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionMs: c.DB_IDLE_IN_TRANSACTION_MS,
      queryMs: c.DB_QUERY_TIMEOUT_MS,
    },
    seedDemo: c.SEED_DEMO === '1',
    logLevel: c.LOG_LEVEL,
    signupLimitPerIp: c.SIGNUP_LIMIT_PER_IP,
    loginFailureLimit: c.LOGIN_FAILURE_LIMIT,
    trustProxy: c.TRUST_PROXY === '1',
    publicOrigin: c.PUBLIC_ORIGIN,
    readYourWritesTimeoutMs: c.READ_YOUR_WRITES_TIMEOUT_MS,
    publicCacheMs: c.PUBLIC_CACHE_MS,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    sessionSecret: c.SESSION_SECRET ?? DEVELOPMENT_SESSION_SECRET,
    limits: {
      sessionsPerDay: c.SESSIONS_PER_DAY,
      reviewsPerDay: c.REVIEWS_PER_DAY,
      reportsPerDay: c.REPORTS_PER_DAY,
      swapsPerDay: c.SWAPS_PER_DAY,
    },
    noShows: {
      limit: c.NO_SHOW_LIMIT,
      windowDays: c.NO_SHOW_WINDOW_DAYS,
      cooldownDays: c.NO_SHOW_COOLDOWN_DAYS,
      lateLeaveHours: c.LATE_LEAVE_HOURS,
    },
    reportHideThreshold: c.REPORT_HIDE_THRESHOLD,
    blocked: { words: list(c.BLOCKED_WORDS), domains: list(c.BLOCKED_DOMAINS) },
  };
}
