// Starts one PostgreSQL server for the whole test run; every test file then creates a fresh database of its own
// on it (infra/testing/database.ts), so files run in parallel without touching each other.
// Order of preference: TEST_DATABASE_URL, else a testcontainers PostgreSQL where a Docker engine answers,
// else the embedded PostgreSQL 17 in a temporary directory. TEST_PGBOUNCER=1 puts a PgBouncer in front of it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../db/embedded.ts';
import { startPgBouncer } from './pgbouncer.ts';

declare module 'vitest' {
  interface ProvidedContext {
    adminDatabaseUrl: string;
    databaseServer: string;
    /** With TEST_PGBOUNCER=1: the port of a PgBouncer in transaction pooling in front of that server. */
    pgbouncerPort: number | null;
  }
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject) {
  const server = await startServer();
  project.provide('adminDatabaseUrl', server.url);
  project.provide('databaseServer', server.name);
  // The whole suite through a pooler: test apps then reach their database through PgBouncer (DATABASE_URL) and
  // directly for what needs a session (DATABASE_DIRECT_URL), as a deployment behind PgBouncer does.
  const bouncer =
    process.env.TEST_PGBOUNCER === '1'
      ? await startPgBouncer(server.url, { poolSize: 3, serverIdleSeconds: 2 })
      : null;
  project.provide('pgbouncerPort', bouncer?.port ?? null);
  return async () => {
    await bouncer?.stop();
    await server.stop?.();
  };
}

async function startServer(): Promise<{ url: string; name: string; stop?: () => Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) {
    const url = process.env.TEST_DATABASE_URL;
    return { url, name: `TEST_DATABASE_URL (${new URL(url).host})` };
  }
  if (process.env.TESTCONTAINERS !== '0' && (await dockerAnswers())) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17').start();
    return {
      url: container.getConnectionUri(),
      name: 'testcontainers postgres:17',
      stop: async () => {
        await container.stop();
      },
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-test-pg-'));
  const server = await startEmbedded({ dataDir: dir, owner: false });
  return {
    url: server.url,
    name: 'embedded PostgreSQL 17',
    stop: async () => {
      await server.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
