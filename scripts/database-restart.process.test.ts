// The real server on its embedded PostgreSQL, when that PostgreSQL misbehaves: every connection cut under load
// (a restart or failover as the app sees it), then the postmaster killed outright. The app must outlive both and
// serve again by itself, on the same port and socket, saying in its log what happened.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachOrStartEmbedded, createPool, type Pool } from '../infra/db/index.ts';
import { readInALoop, signUp, signUpInALoop } from './testing/load.ts';
import {
  appConnections,
  cleanUpProcesses,
  isAlive,
  logLines,
  makeDataDir,
  postmasterPid,
  type ServerProcess,
  startServer,
  terminateAppConnections,
  waitUntil,
} from './testing/processes.ts';

const TIMEOUT = 60_000;

let server: ServerProcess;
let pool: Pool;

beforeAll(async () => {
  server = await startServer(await makeDataDir(), { env: { SIGNUP_LIMIT_PER_IP: '100000' } });
  const attached = await attachOrStartEmbedded(server.dataDir);
  pool = createPool(attached.url, { max: 1, applicationName: 'database-restart-test' });
}, TIMEOUT);

afterAll(async () => {
  await pool?.end();
  await cleanUpProcesses();
}, TIMEOUT);

const at = (p: string) => `http://127.0.0.1:${server.port}${p}`;

async function answers(p: string, status: number) {
  return waitUntil(
    10_000,
    `GET ${p} answering ${status}`,
    async () => {
      const res = await fetch(at(p), { signal: AbortSignal.timeout(5000) }).catch(() => null);
      return res?.status === status ? true : undefined;
    },
    server,
  );
}

/** Port (line 4) and socket directory (line 5) of the running postmaster, from its postmaster.pid. */
async function postmasterAddress() {
  const lines = (await fs.readFile(path.join(server.dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split(
    '\n',
  );
  return { port: lines[3], socketDir: lines[4] };
}

describe('the embedded PostgreSQL under faults', () => {
  it('every app connection terminated under load: the process keeps serving, sign-ups included', async () => {
    const load = [signUpInALoop(server.port), readInALoop(server.port, '/api/sessions?limit=5')];
    try {
      await waitUntil(20_000, 'requests answered', async () =>
        load.every((l) => l.acked.length >= 2) ? true : undefined,
      );
      for (let round = 0; round < 3; round++) {
        // Each round finds the app connected again (the load makes it reconnect), and cuts it off again.
        await waitUntil(10_000, 'the app connected again', async () =>
          (await appConnections(pool)) > 0 ? true : undefined,
        );
        expect(await terminateAppConnections(pool)).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await Promise.all(load.map((l) => l.stop()));
    }
    expect(server.child.exitCode, server.output()).toBeNull();
    await answers('/api/sessions?limit=6', 200);
    const id = await waitUntil(10_000, 'a sign-up answered 201', () =>
      signUp(server.port, `after-terminate-${Date.now()}`).then(
        (m) => m.id,
        () => undefined,
      ),
    );
    await answers(`/api/users/${id}`, 200);
    expect(server.output()).not.toMatch(/Unhandled|uncaught/i);
  });

  it('the postmaster killed with SIGKILL: restarted on the same port and socket, serving within 10 s', async () => {
    const before = await postmasterPid(server.dataDir);
    const address = await postmasterAddress();
    expect(before).not.toBeNull();
    process.kill(before!, 'SIGKILL');
    const killedAt = Date.now();

    await answers('/api/sessions?limit=7', 200);
    const id = await waitUntil(10_000, 'a sign-up answered 201', () =>
      signUp(server.port, `after-kill-${Date.now()}`).then(
        (m) => m.id,
        () => undefined,
      ),
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await answers(`/api/users/${id}`, 200);
    expect(server.child.exitCode, server.output()).toBeNull();

    const after = await postmasterPid(server.dataDir);
    expect(after).not.toBe(before);
    expect(isAlive(after!)).toBe(true);
    expect(await postmasterAddress()).toEqual(address);

    const lines = logLines(server);
    const died = lines.find((l) => l.level === 50 && /PostgreSQL exited/.test(l.msg ?? ''));
    expect(died, server.output()).toBeDefined();
    expect(died?.msg).toContain('(signal SIGKILL); restarting it in 1 s');
    expect(
      lines.some((l) => l.level === 30 && /PostgreSQL is running again/.test(l.msg ?? '')),
      server.output(),
    ).toBe(true);
    expect(server.output()).not.toMatch(/Unhandled|uncaught/i);
  });
});
