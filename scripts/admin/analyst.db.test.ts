// The analysts' role end to end: `npm run admin -- analyst-url` gives it a login, and with the printed URL it reads
// the read-model tables and nothing else (not the event log, not emails, no writes), also after rebuilds swapped the
// tables; and every example query of docs/read-models.md runs as that role on a community with data.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../infra/config.ts';
import { type EmbeddedServer, startEmbedded } from '../../infra/db/embedded.ts';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform, testConfig } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { onSession } from '../../modules/sessions/index.ts';
import { cookieOf } from '../../modules/testing.ts';
import { DEMO_PASSWORD, seedDemoCommunity } from '../demo/community.ts';
import { ANALYST_ROLE, analystPasswordFile, analystUrlCommand, enableAnalystLogin } from './analyst.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';

/** What migration 0006_moderation grants (member_profiles on chosen columns only). */
const GRANTED = [
  'member_profiles',
  'reputation_students',
  'reputation_ratings',
  'mentor_skill_stats',
  'member_badges',
  'skill_catalogue',
  'skill_members',
  'session_listings',
  'session_registrations',
  'session_hosts',
  'notification_sessions',
  'notification_audience',
  'reviews',
  'review_people',
  'review_sessions',
  'leaderboard_points',
  'leaderboard_people',
  'moderation_reports',
  'moderation_targets',
  'audit_log',
];
const REFUSED = ['events', 'streams', 'auth_sessions', 'notifications', 'throttle_hits', 'calendar_feeds'];
const DOC = new URL('../../docs/read-models.md', import.meta.url);

/** Runs one admin command line, as scripts/admin.ts would with this configuration. */
async function admin(config: Config, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: new PassThrough() };
  const code = await runAdmin(argv, {
    groups: [analystUrlCommand(() => config)],
    app: skillswap,
    io,
    connect: () => connectAdmin(config, skillswap, io.err),
  });
  return { code, out, err: err.join('\n') };
}

const clients: pg.Client[] = [];

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // The embedded server is stopped under its open connections at the end: that is no test failure.
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => {});
});

/**
 * The command, then a connection with the URL it printed. The role and its password belong to the whole server that
 * every test file shares: should another run set the password in between, authentication fails (28P01) and we
 * simply ask again. Once connected, a later password change no longer matters.
 */
async function connectAsAnalyst(config: Config): Promise<{ client: pg.Client; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const result = await admin(config, 'analyst-url');
    expect(result.code, result.err).toBe(0);
    const url = result.out[0]!;
    try {
      return { client: await connect(url), url };
    } catch (err) {
      if ((err as { code?: string }).code !== '28P01' || attempt === 3) throw err;
    }
  }
}

/** The SQLSTATE a statement fails with, or null when it succeeds. */
async function failureOf(client: pg.Client, sql: string): Promise<string | null> {
  try {
    await client.query(sql);
    return null;
  } catch (err) {
    return (err as { code?: string }).code ?? 'no code';
  }
}

const PERMISSION_DENIED = '42501';

describe('with DATABASE_URL: a community with data', () => {
  let app: Platform;
  let config: Config;
  let analyst: pg.Client;
  let analystUrl: string;

  /** Every consumer, reactors included, has processed the whole log and it stopped growing. */
  async function quiet() {
    const names = app.consumers.map((c) => c.name);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { checkpoint, position } = await app.store.head();
      const caughtUp = await app.runner.waitFor(checkpoint, {
        names,
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
      if (caughtUp && (await app.store.head()).position === position) return;
      if (Date.now() > deadline) throw new Error('the consumers did not catch up');
    }
  }

  async function signIn(who: string): Promise<string> {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `${who}@skillswap.demo`, password: DEMO_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    return cookieOf(res);
  }

  async function post(cookie: string, url: string, payload: Record<string, unknown>) {
    const res = await app.http.inject({ method: 'POST', url, headers: { cookie }, payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  }

  /** What the role may do, column by column and table by table, in every schema but the system's. */
  async function accessOfAnalyst(): Promise<string[]> {
    const { rows } = await app.pool.query<{ grant: string }>(
      `SELECT n.nspname || '.' || c.relname || ' ' || p.priv AS grant
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(priv)
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND has_table_privilege($1, c.oid, p.priv)
       UNION ALL
       SELECT n.nspname || '.' || c.relname || '(' || a.attname || ') ' || p.priv
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) AS p(priv)
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND has_column_privilege($1, c.oid, a.attnum, p.priv)
       ORDER BY 1`,
      [ANALYST_ROLE],
    );
    return rows.map((r) => r.grant);
  }

  async function columnsOf(table: string): Promise<string[]> {
    const { rows } = await app.pool.query<{ name: string }>(
      `SELECT attname AS name FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [`public.${table}`],
    );
    return rows.map((r) => r.name);
  }

  /** Everything the role must and must not do, tried as the role itself. */
  async function provesReadOnlyAccess(client: pg.Client) {
    for (const table of GRANTED.filter((t) => t !== 'member_profiles')) {
      expect(await failureOf(client, `SELECT * FROM ${table} LIMIT 1`), table).toBeNull();
    }
    for (const table of REFUSED) {
      expect(await failureOf(client, `SELECT 1 FROM ${table} LIMIT 1`), table).toBe(PERMISSION_DENIED);
    }
    const profileColumns = (await columnsOf('member_profiles')).filter(
      (c) => c !== 'email' && c !== 'search',
    );
    const { rows } = await client.query(`SELECT ${profileColumns.join(', ')} FROM member_profiles`);
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!).sort()).toEqual([...profileColumns].sort());
    expect(await failureOf(client, 'SELECT email FROM member_profiles')).toBe(PERMISSION_DENIED);
    expect(await failureOf(client, 'SELECT * FROM member_profiles')).toBe(PERMISSION_DENIED);
    expect(await failureOf(client, 'SELECT count(*) FROM member_profiles WHERE email LIKE $$%@%$$')).toBe(
      PERMISSION_DENIED,
    );

    expect(
      await failureOf(
        client,
        `INSERT INTO skill_catalogue (skill_key, name, first_seen_at) VALUES ('x', 'X', now())`,
      ),
    ).toBe(PERMISSION_DENIED);
    expect(await failureOf(client, `UPDATE session_listings SET title = 'x'`)).toBe(PERMISSION_DENIED);
    expect(await failureOf(client, 'DELETE FROM reviews')).toBe(PERMISSION_DENIED);
    expect(await failureOf(client, 'TRUNCATE audit_log')).toBe(PERMISSION_DENIED);
    expect(await failureOf(client, `UPDATE member_profiles SET display_name = 'x'`)).toBe(PERMISSION_DENIED);
    const { rows: version } = await client.query<{ v: string }>(
      `SELECT current_setting('server_version_num') AS v`,
    );
    // PostgreSQL 15 took CREATE on the public schema away from everybody; before it, every role could create there.
    if (Number(version[0]!.v) >= 150000) {
      expect(await failureOf(client, 'CREATE TABLE public.analyst_scratch (x int)')).toBe(PERMISSION_DENIED);
    }
  }

  beforeAll(async () => {
    app = await startTestPlatform(skillswap);
    config = testConfig(app.url);
    await seedDemoCommunity(app);

    // Beyond the demo: a waitlist on the full session, and reports, one of them resolved by hiding a review (of the
    // host with the fewest reviews, so that the mentors with the most keep enough ratings for the examples).
    const { rows: full } = await app.pool.query<{ session_id: string }>(
      `SELECT session_id FROM session_listings WHERE status = 'scheduled' AND registered_count >= capacity LIMIT 1`,
    );
    const { rows: kwame } = await app.pool.query<{ member_id: string }>(
      `SELECT member_id FROM member_profiles WHERE email = 'kwame@skillswap.demo'`,
    );
    await onSession(
      app,
      full[0]!.session_id,
      { type: 'Register', data: { memberId: kwame[0]!.member_id }, now: new Date() },
      { actorId: kwame[0]!.member_id },
    );
    const { rows: targets } = await app.pool.query<{ review_id: string; session_id: string }>(
      `SELECT r.review_id, l.session_id FROM reviews r, session_listings l
        WHERE r.rating = 4 AND l.status = 'scheduled'
        ORDER BY (SELECT count(*) FROM reviews o WHERE o.host_id = r.host_id), r.review_id, l.session_id LIMIT 1`,
    );
    const jonas = await signIn('jonas');
    const reviewReport = await post(jonas, '/api/reports', {
      targetType: 'review',
      targetId: targets[0]!.review_id,
      reason: 'Off-topic and unkind',
    });
    await post(jonas, '/api/reports', {
      targetType: 'session',
      targetId: targets[0]!.session_id,
      reason: 'Looks like spam',
    });
    const morgan = await signIn('morgan');
    await post(morgan, `/api/moderation/reports/${reviewReport.report.id}/resolve`, {
      action: 'hide',
      note: 'Unkind.',
    });
    await quiet();

    ({ client: analyst, url: analystUrl } = await connectAsAnalyst(config));
  });

  it('prints a URL for the server of DATABASE_URL, with the role and a fresh password', async () => {
    const printed = new URL(analystUrl);
    const server = new URL(config.databaseUrl!);
    expect(printed.username).toBe(ANALYST_ROLE);
    expect(printed.password).toMatch(/^[0-9a-f]{48}$/);
    expect(`${printed.host}${printed.pathname}`).toBe(`${server.host}${server.pathname}`);
    const { rows } = await analyst.query<{ who: string; db: string }>(
      'SELECT current_user AS who, current_database() AS db',
    );
    expect(rows[0]).toEqual({ who: ANALYST_ROLE, db: server.pathname.slice(1) });

    const again = await admin(config, 'analyst-url');
    expect(again.code).toBe(0);
    expect(new URL(again.out[0]!).password).not.toBe(printed.password);
    expect(again.err).toMatch(/new password/);
  });

  it('reads every read-model table and nothing else: not the event log, not emails, no writes', async () => {
    await provesReadOnlyAccess(analyst);
    const access = await accessOfAnalyst();
    const tables = [...new Set(access.map((a) => a.split(/[ (]/)[0]))].sort();
    expect(tables).toEqual(GRANTED.map((t) => `public.${t}`).sort());
    expect(access.filter((a) => !a.endsWith(' SELECT'))).toEqual([]);
    expect(access).toContain('public.member_profiles(display_name) SELECT');
    expect(access).not.toContain('public.member_profiles(email) SELECT');
    expect(access).not.toContain('public.member_profiles SELECT');
  });

  it('keeps exactly the same access after rebuilds swap the tables', async () => {
    const before = await accessOfAnalyst();
    await app.rebuild('member_profiles');
    expect(await accessOfAnalyst()).toEqual(before);
    // The connection made before the swap reads the new tables, with the same limits.
    await provesReadOnlyAccess(analyst);

    for (const projector of app.consumers.filter(
      (c) => c.kind === 'read-model' && c.name !== 'member_profiles',
    )) {
      await app.rebuild(projector.name);
    }
    expect(await accessOfAnalyst()).toEqual(before);
    await provesReadOnlyAccess(analyst);
  });

  it('runs every example query of docs/read-models.md, each answering with rows', async () => {
    const text = await fs.readFile(DOC, 'utf8');
    const queries = [...text.matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const sql of queries) {
      const title = sql.split('\n')[0]!;
      let result: pg.QueryResult;
      try {
        result = await analyst.query(sql);
      } catch (err) {
        throw new Error(`${title}\nfailed: ${(err as Error).message}`);
      }
      // The demo community (with a waitlist and reports added) has an answer for every question.
      expect(result.rows.length, title).toBeGreaterThan(0);
    }
  });

  it('explains when the database user may not change the role', async () => {
    const weak = `skillswap_test_weak_${randomBytes(4).toString('hex')}`;
    await app.pool.query(`CREATE ROLE ${weak} NOLOGIN`);
    const client = await app.pool.connect();
    try {
      await client.query(`SET ROLE ${weak}`);
      await expect(enableAnalystLogin(client, 'a'.repeat(48))).rejects.toThrow(
        /may not change the role skillswap_analyst.*CREATEROLE/,
      );
    } finally {
      await client.query('RESET ROLE');
      client.release();
      await app.pool.query(`DROP ROLE ${weak}`);
    }
  });
});

describe('without DATABASE_URL: the embedded PostgreSQL under DATA_DIR', () => {
  let dataDir: string;
  let server: EmbeddedServer;
  let config: Config;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-analyst-'));
    // As `npm start` would: the server runs, and the command attaches to it.
    server = await startEmbedded({ dataDir, owner: false });
    config = { ...testConfig('postgres://unused@127.0.0.1/unused'), databaseUrl: undefined, dataDir };
  });

  afterAll(async () => {
    await server?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('prints 127.0.0.1 and the running server port, with the password kept in DATA_DIR (0600)', async () => {
    const first = await admin(config, 'analyst-url');
    expect(first.code, first.err).toBe(0);
    const match = /^postgres:\/\/skillswap_analyst:([0-9a-f]{48})@127\.0\.0\.1:(\d+)\/postgres$/.exec(
      first.out[0]!,
    );
    expect(match).not.toBeNull();
    const [, password, port] = match!;
    expect(Number(port)).toBe(server.port);
    expect(first.err).toMatch(/new port at every start/);
    const file = analystPasswordFile(dataDir);
    expect((await fs.readFile(file, 'utf8')).trim()).toBe(password);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

    const client = await connect(first.out[0]!);
    expect((await client.query('SELECT count(*)::int AS n FROM skill_catalogue')).rows[0].n).toBe(0);
    expect(await failureOf(client, 'SELECT 1 FROM events')).toBe(PERMISSION_DENIED);
    expect(await failureOf(client, 'SELECT email FROM member_profiles')).toBe(PERMISSION_DENIED);

    const second = await admin(config, 'analyst-url');
    expect(second.out).toEqual(first.out);
  });

  it('--rotate replaces the password: the old one no longer signs in', async () => {
    const before = (await admin(config, 'analyst-url')).out[0]!;
    const rotated = await admin(config, 'analyst-url', '--rotate');
    expect(rotated.code, rotated.err).toBe(0);
    expect(rotated.out[0]).not.toBe(before);
    await expect(connect(before)).rejects.toMatchObject({ code: '28P01' });
    const client = await connect(rotated.out[0]!);
    expect((await client.query('SELECT current_user AS who')).rows[0].who).toBe(ANALYST_ROLE);
  });

  it('refuses, starting nothing, when no PostgreSQL runs on DATA_DIR', async () => {
    await server.stop();
    const result = await admin(config, 'analyst-url');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no PostgreSQL is running on .*start SkillSwap first/);
    await expect(fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
