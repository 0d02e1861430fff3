// Starts one PostgreSQL server for the whole test run; every test file then creates a fresh database of its own
// on it (infra/testing/database.ts), so files run in parallel without touching each other.
// Order of preference: TEST_DATABASE_URL, else a testcontainers PostgreSQL where a Docker engine answers,
// else the embedded PostgreSQL 17 in a temporary directory.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../db/embedded.ts';

declare module 'vitest' {
  interface ProvidedContext {
    adminDatabaseUrl: string;
    databaseServer: string;
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
  if (process.env.TEST_DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.TEST_DATABASE_URL);
    project.provide('databaseServer', `TEST_DATABASE_URL (${new URL(process.env.TEST_DATABASE_URL).host})`);
    return;
  }
  if (process.env.TESTCONTAINERS !== '0' && (await dockerAnswers())) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17').start();
    project.provide('adminDatabaseUrl', container.getConnectionUri());
    project.provide('databaseServer', 'testcontainers postgres:17');
    return async () => {
      await container.stop();
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-test-pg-'));
  const server = await startEmbedded({ dataDir: dir, owner: false });
  project.provide('adminDatabaseUrl', server.url);
  project.provide('databaseServer', 'embedded PostgreSQL 17');
  return async () => {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
