// Two real server processes on one database lose every connection at once, a few times, while requests run: what a
// PostgreSQL restart or a failover does to them. Neither may die of it, and both serve again within seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../infra/db/index.ts';
import { createTestDatabase } from '../infra/testing/database.ts';
import { readInALoop, signUp, signUpInALoop } from './testing/load.ts';
import {
  appConnections,
  cleanUpProcesses,
  logLines,
  makeDataDir,
  type ServerProcess,
  startServer,
  terminateAppConnections,
  waitUntil,
} from './testing/processes.ts';

const TIMEOUT = 60_000;

let pool: Pool;
let servers: ServerProcess[] = [];

beforeAll(async () => {
  const url = await createTestDatabase();
  pool = createPool(url, { max: 1, applicationName: 'connection-loss-test' });
  const env = { DATABASE_URL: url, SIGNUP_LIMIT_PER_IP: '100000' };
  // One after the other: the second finds the schema migrated and the projector locks taken.
  const first = await startServer(await makeDataDir(), { env });
  const second = await startServer(await makeDataDir(), { env });
  servers = [first, second];
}, TIMEOUT);

afterAll(async () => {
  await cleanUpProcesses();
  await pool?.end();
}, TIMEOUT);

const at = (server: ServerProcess, path: string) => `http://127.0.0.1:${server.port}${path}`;

describe('every app connection terminated under load, three times, with two instances on one database', () => {
  it('keeps both processes running; reads and sign-ups work again within seconds, on both', {
    timeout: TIMEOUT,
  }, async () => {
    const load = servers.flatMap((s) => [
      signUpInALoop(s.port),
      readInALoop(s.port, '/api/sessions?limit=5'),
    ]);
    try {
      await waitUntil(20_000, 'requests answered on both instances', async () =>
        load.every((l) => l.acked.length >= 2) ? true : undefined,
      );
      let ended = 0;
      for (let round = 0; round < 3; round++) {
        // Each round finds the instances connected again (the load makes them reconnect), and cuts them off.
        await waitUntil(10_000, 'the instances connected again', async () =>
          (await appConnections(pool)) > 0 ? true : undefined,
        );
        ended += await terminateAppConnections(pool);
        await new Promise((r) => setTimeout(r, 300));
      }
      // Pools, listeners, projector lock connections and pg-boss of both instances.
      expect(ended).toBeGreaterThanOrEqual(8);
    } finally {
      await Promise.all(load.map((l) => l.stop()));
    }

    for (const server of servers) {
      expect(server.child.exitCode, server.output()).toBeNull();
      await waitUntil(
        10_000,
        `reads answered 200 again on port ${server.port}`,
        async () => {
          const res = await fetch(at(server, '/api/sessions?limit=5'), { signal: AbortSignal.timeout(5000) });
          return res.status === 200 ? true : undefined;
        },
        server,
      );
    }
    // A sign-up through either instance is committed, projected (by whichever holds the projector) and readable.
    for (const [i, server] of servers.entries()) {
      const id = await waitUntil(
        10_000,
        `a sign-up answered 201 on port ${server.port}`,
        () =>
          signUp(server.port, `after-loss-${i}-${Date.now()}`).then(
            (m) => m.id,
            () => undefined,
          ),
        server,
      );
      for (const reader of servers) {
        await waitUntil(
          10_000,
          `member ${id} readable on port ${reader.port}`,
          async () => ((await fetch(at(reader, `/api/users/${id}`))).status === 200 ? true : undefined),
          reader,
        );
      }
    }
    for (const server of servers) {
      expect(server.child.exitCode, server.output()).toBeNull();
      expect(server.output()).not.toMatch(/Unhandled|uncaught/i);
      // The outage is told once, not once per retry at error level.
      const errors = logLines(server).filter((l) => l.level >= 50);
      expect(errors, server.output()).toEqual([]);
    }
  });
});
