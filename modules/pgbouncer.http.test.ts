import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../infra/platform.ts';
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
