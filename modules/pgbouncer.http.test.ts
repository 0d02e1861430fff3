import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../infra/platform.ts';
import { projectionStatus } from '../infra/projections/index.ts';
import { createTestDatabase, testConfig, testLogger } from '../infra/testing/database.ts';
import { findPgBouncer, type PgBouncer, startPgBouncer } from '../infra/testing/pgbouncer.ts';
import { skillswap } from './index.ts';
import { call, getSession, host, signUp } from './sessions/testing.ts';

// A deployment behind PgBouncer in transaction pooling: DATABASE_URL is the pooler, DATABASE_DIRECT_URL the
// database. Two server connections for every client, so that clients take turns on the same server sessions and
// anything one of them left on a session (a prepared statement, a setting, a lock, a LISTEN) would meet the next.
const POOL_SIZE = 2;

const installed = findPgBouncer() !== null;
if (!installed)
  console.warn('pgbouncer is not installed (apt-get install -y pgbouncer): its tests are skipped');

describe.skipIf(!installed)('behind PgBouncer in transaction pooling', () => {
  let bouncer: PgBouncer;
  let app: Platform;
  let direct: string;
  let pooled: string;

  beforeAll(async () => {
    direct = await createTestDatabase();
    bouncer = await startPgBouncer(direct, { poolSize: POOL_SIZE, statementTimeoutMs: 4000 });
    pooled = bouncer.url(direct);
    app = await startPlatform(
      testConfig(direct, { databaseUrl: pooled, databaseDirectUrl: direct }),
      testLogger(),
      skillswap,
    );
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await bouncer?.stop();
  });

  it('serves members: sign-up, a session, registrations read back at once by their authors', async () => {
    const mentor = await signUp(app, 'Pooled Mentor');
    const session = await host(app, mentor, { capacity: 3 });
    const students = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(app, `Pooled ${i}`)));
    const answers = await Promise.all(
      students.map((s) => call(app, s, 'POST', `/api/sessions/${session.id}/registration`)),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201, 201]);
    // Read-your-writes through the pooler: each student's own next read already shows where they stand.
    const views = await Promise.all(students.map((s) => getSession(app, s, session.id)));
    const standing = views.map((v) => v.viewerRegistration).sort();
    expect(standing).toEqual([
      'registered',
      'registered',
      'registered',
      'waitlisted',
      'waitlisted',
      'waitlisted',
    ]);
  });

  // Were the LISTEN connection, the projector locks or pg-boss on the pooler, their LISTEN and session locks
  // would show here on a server session that other clients then get.
  it('leaves nothing on the shared server sessions: no prepared statement, setting, lock or LISTEN', async () => {
    const mentor = await signUp(app, 'Busy Mentor');
    await Promise.all(Array.from({ length: 10 }, () => host(app, mentor)));
    await Promise.all(Array.from({ length: 20 }, () => call(app, mentor, 'GET', '/api/sessions?limit=5')));
    // Every client of the pooler lands on one of its two server sessions: ask each of them, many times.
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const c = new pg.Client({ connectionString: pooled });
      await c.connect();
      const { rows } = await c.query<{
        pid: number;
        prepared: number;
        listening: number;
        locks: number;
        statement_timeout: string;
        search_path: string;
        application_name: string;
      }>(
        `SELECT pg_backend_pid() AS pid,
                (SELECT count(*) FROM pg_prepared_statements)::int AS prepared,
                (SELECT count(*) FROM pg_listening_channels())::int AS listening,
                (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())::int AS locks,
                current_setting('statement_timeout') AS statement_timeout,
                current_setting('search_path') AS search_path,
                current_setting('application_name') AS application_name`,
      );
      await c.end();
      const r = rows[0]!;
      seen.add(r.pid);
      expect(r).toMatchObject({ prepared: 0, listening: 0, locks: 0, search_path: '"$user", public' });
      // The pooler's own setting (connect_query), never one a client of ours sent.
      expect(r.statement_timeout).toBe('4s');
    }
    expect(seen.size).toBeLessThanOrEqual(POOL_SIZE);
  });
});

describe.skipIf(!installed)('a rebuild left behind by a process that died, behind PgBouncer', () => {
  let bouncer: PgBouncer;
  let app: Platform | undefined;
  afterAll(async () => {
    await app?.stop();
    await bouncer?.stop();
  });

  it('is cleared at the next start, and the next rebuild of that projection runs', async () => {
    const direct = await createTestDatabase();
    bouncer = await startPgBouncer(direct, { poolSize: POOL_SIZE, roundRobin: true });
    const pooled = bouncer.url(direct);
    const config = testConfig(direct, { databaseUrl: pooled, databaseDirectUrl: direct });
    await (await startPlatform(config, testLogger(), skillswap)).stop();
    // What a rebuild killed mid-way leaves: its status and its scratch schema (its lock went with its session).
    const db = new pg.Client({ connectionString: direct });
    await db.connect();
    await db.query(
      `UPDATE projection_checkpoints SET status = 'rebuilding', rebuild_position = 0 WHERE name = 'member_profiles'`,
    );
    await db.query('CREATE SCHEMA rebuild_member_profiles');
    // Both server sessions open, so that the pooler hands them out in turn from the start.
    const warm = await Promise.all([0, 1].map(() => new pg.Client({ connectionString: pooled })));
    for (const c of warm) await c.connect();
    for (const c of warm) await c.query('BEGIN');
    // Ended, not left in a transaction: the pooler closes a server session its client left mid-transaction.
    for (const c of warm) await c.query('COMMIT');
    for (const c of warm) await c.end();

    app = await startPlatform(config, testLogger(), skillswap);

    const status = await projectionStatus(app.pool, app.consumers);
    expect(status.find((s) => s.name === 'member_profiles')).toMatchObject({ status: 'running' });
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'rebuild_member_profiles'`,
    );
    await db.end();
    expect(rows[0].n).toBe(0);
    // No rebuild lock stayed behind on a pooled server session: an admin's rebuild runs (it would refuse as
    // "already running" otherwise) ...
    await expect(app.rebuild('member_profiles')).resolves.toBeUndefined();
    // ... and no server session holds a lock.
    for (let i = 0; i < 2 * POOL_SIZE; i++) {
      const c = new pg.Client({ connectionString: pooled });
      await c.connect();
      const locks = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`,
      );
      await c.end();
      expect(locks.rows[0]!.n).toBe(0);
    }
  }, 60_000);
});
