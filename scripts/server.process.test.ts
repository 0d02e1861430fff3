// The real server as a child process on embedded PostgreSQL: start, health, graceful stop, a second server on the
// same DATA_DIR, the admin command line beside a running server, and a SIGKILL in the middle of writes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { attachOrStartEmbedded, createPool } from '../infra/db/index.ts';
import { createCatalog, createEventStore, defineEvent } from '../infra/event-store/index.ts';
import { repeat, signUpInALoop } from './testing/load.ts';
import {
  cleanUpProcesses,
  freePort,
  health,
  isAlive,
  makeDataDir,
  postmasterPid,
  type ServerProcess,
  serverEnv,
  spawnServer,
  spawnTracked,
  startServer,
  waitUntil,
  within,
} from './testing/processes.ts';

const TEST_TIMEOUT = 180_000;

afterAll(cleanUpProcesses, 120_000);

describe('a server on its own DATA_DIR', () => {
  let dataDir: string;
  let server: ServerProcess;

  it('starts on embedded PostgreSQL and answers /healthz with the database up', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    dataDir = await makeDataDir();
    server = await startServer(dataDir);
    const h = await health(server.port);
    expect(h?.status).toBe(200);
    expect(h?.body).toMatchObject({ status: 'ok', database: 'up' });
    expect(h?.body.projectionLag).toEqual(expect.any(Number));
    expect(await postmasterPid(dataDir)).not.toBeNull();
  });

  it('refuses a second server on the same DATA_DIR, saying it is already running', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const postgresBefore = await postmasterPid(dataDir);
    const second = spawnServer(dataDir, await freePort());
    const { code } = await within(60_000, 'the second server exiting', second.exited);
    expect(code, second.output()).not.toBe(0);
    expect(second.output()).toContain('already running');
    // The first one is untouched: same PostgreSQL, still healthy.
    expect(await postmasterPid(dataDir)).toBe(postgresBefore);
    expect((await health(server.port))?.status).toBe(200);
  });

  it('lets the admin command line reach the running server’s database', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const postgresBefore = await postmasterPid(dataDir);
    const admin = spawnTracked('npm', ['run', '--silent', 'admin', '--', 'projections', 'status'], {
      ...serverEnv(dataDir, server.port),
    });
    const { code } = await within(60_000, 'the admin command finishing', admin.exited);
    expect(code, admin.output()).toBe(0);
    expect(admin.output()).toMatch(
      /^NAME\s+KIND\s+STATUS\s+POSITION\s+HEAD\s+LAG\s+SET ASIDE\s+LAST ERROR$/m,
    );
    expect(admin.output()).not.toContain('started its PostgreSQL');
    expect(await postmasterPid(dataDir)).toBe(postgresBefore);
    expect((await health(server.port))?.status).toBe(200);
  });

  it('stops on SIGTERM with exit code 0, and its PostgreSQL with it', { timeout: TEST_TIMEOUT }, async () => {
    const postgres = await postmasterPid(dataDir);
    expect(postgres).not.toBeNull();
    server.child.kill('SIGTERM');
    const { code, signal } = await within(60_000, 'the server exiting after SIGTERM', server.exited);
    expect({ code, signal }, server.output()).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('stopped cleanly');
    expect(isAlive(postgres!)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'server.pid'))).toBe(false);
  });
});

const noteAdded = defineEvent('ProcessTestNoteAdded', 1, z.object({ n: z.number().int() }));

/**
 * Appends one event per transaction straight into the database (as a second process on it would), each to a
 * stream of its own: a returned append is a committed one, the promise the event store makes.
 */
function appendInALoop(url: string) {
  const pool = createPool(url, { max: 1, applicationName: 'process-test-writer' });
  const store = createEventStore(pool, createCatalog([noteAdded]));
  return repeat(
    async (n) => {
      await store.append(`process-note-${n}`, 0, [{ type: 'ProcessTestNoteAdded', data: { n } }]);
      return n;
    },
    () => pool.end(),
  );
}

describe('a server killed with SIGKILL in the middle of writes', () => {
  it('restarts on the same DATA_DIR with no acknowledged event lost and its projectors caught up', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const dataDir = await makeDataDir();
    const env = { SIGNUP_LIMIT_PER_IP: '100000' };
    const first = await startServer(dataDir, { env });
    // The server owns PostgreSQL; the direct writer attaches to it as the admin command line would.
    const attached = await attachOrStartEmbedded(dataDir);
    expect(attached.owned).toBe(false);
    const appends = appendInALoop(attached.url);
    const signups = signUpInALoop(first.port);
    try {
      await waitUntil(60_000, 'a few sign-ups and 50 appends', async () =>
        signups.acked.length >= 3 && appends.acked.length >= 50 ? true : undefined,
      );
      // The server's own connections come through the data directory's Unix socket (no client address), the
      // command line's over TCP; both reach the same database.
      expect(attached.socketUrl).toContain(`host=${encodeURIComponent(path.join(dataDir, 'postgres'))}`);
      const probe = createPool(attached.url, { max: 1, applicationName: 'skillswap-probe' });
      const { rows: clients } = await probe.query<{ addr: string | null; app: string }>(
        `SELECT DISTINCT host(client_addr) AS addr, application_name AS app FROM pg_stat_activity
          WHERE application_name IN ('skillswap', 'skillswap-probe') ORDER BY 2`,
      );
      await probe.end();
      expect(clients).toEqual([
        { addr: null, app: 'skillswap' },
        { addr: '127.0.0.1', app: 'skillswap-probe' },
      ]);
      const orphan = await postmasterPid(dataDir);

      first.child.kill('SIGKILL');
      const { signal } = await within(10_000, 'the killed server exiting', first.exited);
      expect(signal).toBe('SIGKILL');
      await signups.stop();
      // Its PostgreSQL outlives it (an orphan, still taking appends) until the next start stops it.
      expect(orphan !== null && isAlive(orphan)).toBe(true);
      const atKill = appends.acked.length;
      await waitUntil(10_000, 'appends to the orphaned PostgreSQL', async () =>
        appends.acked.length >= atKill + 20 ? true : undefined,
      );

      const second = await startServer(dataDir, { env });
      expect(isAlive(orphan!)).toBe(false);
      expect(await postmasterPid(dataDir)).not.toBe(orphan);
      await appends.stop();
      expect(appends.failures()).toBeGreaterThan(0);

      await waitUntil(
        15_000,
        'projection lag 0 on /healthz',
        async () => {
          const h = await health(second.port);
          return h?.status === 200 && h.body.projectionLag === 0 ? true : undefined;
        },
        second,
      );
      const restarted = await attachOrStartEmbedded(dataDir);
      expect(restarted.owned).toBe(false);
      const pool = createPool(restarted.url, { max: 1 });
      try {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT (data->>'n')::int AS n FROM events WHERE type = 'ProcessTestNoteAdded'`,
        );
        const stored = new Set(rows.map((r) => r.n));
        expect(
          appends.acked.filter((n) => !stored.has(n)),
          'acknowledged appends missing',
        ).toEqual([]);

        const head = (await pool.query<{ head: number }>('SELECT max(global_position) AS head FROM events'))
          .rows[0]!;
        const checkpoints = await pool.query<{ name: string; position: number }>(
          'SELECT name, position FROM projection_checkpoints',
        );
        expect(checkpoints.rows.length).toBeGreaterThan(0);
        for (const c of checkpoints.rows) expect(c).toEqual({ name: c.name, position: head.head });
      } finally {
        await pool.end();
      }
      // Every acknowledged sign-up is there, through the API and its read model.
      for (const id of signups.acked) {
        const res = await fetch(`http://127.0.0.1:${second.port}/api/users/${id}`);
        expect(res.status, `member ${id}`).toBe(200);
      }
    } finally {
      await signups.stop().catch(() => {});
      await appends.stop().catch(() => {});
    }
  });
});
