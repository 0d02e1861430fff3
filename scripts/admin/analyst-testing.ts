// Helpers of the analyst tests (test files only): the admin command line as scripts/admin.ts runs it, connections
// that are closed when the file ends, and names unique to this run.
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { Config } from '../../infra/config.ts';
import { skillswap } from '../../modules/index.ts';
import { analystCommand } from './analyst.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';

export const PERMISSION_DENIED = '42501';

/** Runs one admin command line, as scripts/admin.ts would with this configuration. */
export async function admin(config: Config, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: new PassThrough() };
  const code = await runAdmin(argv, {
    groups: [analystCommand(() => config)],
    app: skillswap,
    io,
    connect: () => connectAdmin(config, skillswap, io.err),
  });
  return { code, out, err: err.join('\n') };
}

const clients: pg.Client[] = [];

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // Sessions of removed analysts are ended, and the embedded server is stopped under open ones: no test failure.
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => {});
});

/** The SQLSTATE a statement fails with, or null when it succeeds. */
export async function failureOf(client: pg.Client, sql: string): Promise<string | null> {
  try {
    await client.query(sql);
    return null;
  } catch (err) {
    return (err as { code?: string }).code ?? 'no code';
  }
}

/** Roles belong to the server that every test file shares: names of this run only. */
export const uniqueName = (who: string) => `t${randomBytes(4).toString('hex')}_${who}`;
