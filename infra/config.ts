import path from 'node:path';
import { z } from 'zod';

// Every setting is read once, here, and validated: a bad value stops the start with a message naming it.
const intFromEnv = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SEED_DEMO: z.enum(['0', '1']).default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIGNUP_LIMIT_PER_IP: intFromEnv(20),
  LOGIN_FAILURE_LIMIT: intFromEnv(10),
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  PUBLIC_ORIGIN: z.url().optional(),
  READ_YOUR_WRITES_TIMEOUT_MS: intFromEnv(3000),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('SkillSwap <no-reply@skillswap.local>'),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  seedDemo: boolean;
  logLevel: string;
  signupLimitPerIp: number;
  loginFailureLimit: number;
  trustProxy: boolean;
  publicOrigin: string | undefined;
  readYourWritesTimeoutMs: number;
  smtpUrl: string | undefined;
  mailFrom: string;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: path.resolve(c.DATA_DIR),
    seedDemo: c.SEED_DEMO === '1',
    logLevel: c.LOG_LEVEL,
    signupLimitPerIp: c.SIGNUP_LIMIT_PER_IP,
    loginFailureLimit: c.LOGIN_FAILURE_LIMIT,
    trustProxy: c.TRUST_PROXY === '1',
    publicOrigin: c.PUBLIC_ORIGIN,
    readYourWritesTimeoutMs: c.READ_YOUR_WRITES_TIMEOUT_MS,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
  };
}
