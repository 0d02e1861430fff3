// Analysts end to end: `npm run admin -- analyst add <name>` gives each analyst a login of their own, a member of
// the read-only role skillswap_analyst; with the URL it prints, an analyst reads the views of the schema analytics
// and nothing else (no table, no email, no meeting URL, no per-member registration, no reporter), also after
// rebuilds swapped the tables under the views; no analyst can change the shared role or another's login; and
// every example query of docs/read-models.md runs as an analyst on a community with data.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../infra/config.ts';
import type { Platform } from '../../infra/platform.ts';
import { untilCaughtUp } from '../../infra/testing/caught-up.ts';
import { startTestPlatform, testConfig } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { runSessionCommand } from '../../modules/sessions/index.ts';
import { host, signUp } from '../../modules/sessions/testing.ts';
import { cookieOf } from '../../modules/testing.ts';
import { DEMO_PASSWORD, seedDemoCommunity } from '../demo/community.ts';
import { ANALYST_ROLE, addAnalyst, analystLogin } from './analyst-logins.ts';
import { admin, connect, failureOf, PERMISSION_DENIED, uniqueName } from './analyst-testing.ts';

/** Every view of the schema analytics with its columns: what an analyst can read, all of it. */
const VIEWS: Record<string, string[]> = {
  audit_log: ['position', 'at', 'actor_id', 'action', 'target_type', 'target_id', 'note'],
  leaderboard_points: ['period', 'skill_key', 'member_id', 'points'],
  member_badges: ['member_id', 'badge', 'awarded_at'],
  members: [
    'member_id',
    'display_name',
    'skills_to_teach',
    'skills_to_learn',
    'teach_keys',
    'timezone',
    'roles',
    'suspended',
    'average_rating',
    'rating_count',
    'sessions_hosted',
    'students_taught',
    'points',
    'joined_at',
  ],
  mentor_skill_stats: [
    'member_id',
    'skill_key',
    'skill',
    'sessions_hosted',
    'average_rating',
    'rating_count',
  ],
  moderation_targets: ['target_type', 'target_id', 'owner_id', 'hidden'],
  registrations_per_day: [
    'day',
    'skill_key',
    'signed_up',
    'registered',
    'waitlisted',
    'cancelled',
    'attended',
    'no_shows',
  ],
  reports: [
    'target_type',
    'target_id',
    'owner_id',
    'source',
    'status',
    'action',
    'reports',
    'first_filed_at',
    'last_filed_at',
    'last_resolved_at',
    'mean_time_to_resolve',
    'category',
  ],
  reviews: [
    'review_key',
    'session_id',
    'session_title',
    'host_id',
    'skill',
    'rating',
    'comment',
    'reply',
    'replied_at',
    'created_at',
    'edited_at',
    'deleted',
    'hidden',
    'sealed',
  ],
  session_attendance: [
    'session_id',
    'signed_up',
    'registered',
    'waitlisted',
    'cancelled',
    'attended',
    'no_shows',
  ],
  sessions: [
    'session_id',
    'title',
    'skill',
    'skill_key',
    'description',
    'difficulty',
    'prerequisites',
    'starts_at',
    'ends_at',
    'duration_minutes',
    'capacity',
    'status',
    'host_id',
    'host_display_name',
    'timezone',
    'series_id',
    'registered_count',
    'waitlist_count',
    'cancel_reason',
    'scheduled_at',
    'completed_at',
    'hidden',
  ],
  skills: ['skill_key', 'name', 'teachers', 'learners', 'first_seen_at'],
};
const DOC = new URL('../../docs/read-models.md', import.meta.url);

describe('with DATABASE_URL: a community with data', () => {
  let app: Platform;
  let config: Config;
  const ana = uniqueName('ana');
  const ben = uniqueName('ben');
  let anaUrl: string;
  let benUrl: string;
  let asAna: pg.Client;
  /** A server of TEST_DATABASE_URL may trust local connections: then no password is ever checked. */
  let passwordsChecked: boolean;

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

  /** What a role may do on every relation outside the system schemas, table by table and column by column. */
  async function accessOf(role: string): Promise<string[]> {
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
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'analytics')
          AND n.nspname NOT LIKE 'pg_toast%' AND has_column_privilege($1, c.oid, a.attnum, p.priv)
       ORDER BY 1`,
      [role],
    );
    return rows.map((r) => r.grant);
  }

  /** Every row of every view, as text. */
  async function everythingAnalystsSee(client: pg.Client): Promise<string> {
    const parts: string[] = [];
    for (const view of Object.keys(VIEWS)) {
      const { rows } = await client.query<{ row: string }>(`SELECT v::text AS row FROM analytics.${view} v`);
      parts.push(...rows.map((r) => r.row));
    }
    return parts.join('\n');
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
    await runSessionCommand(
      app.command,
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
    await untilCaughtUp(app, 20_000);

    const added = await admin(config, 'analyst', 'add', ana);
    expect(added.code, added.err).toBe(0);
    anaUrl = added.out[0]!;
    benUrl = (await admin(config, 'analyst', 'add', ben)).out[0]!;
    asAna = await connect(anaUrl);
    const wrong = new URL(anaUrl);
    wrong.password = 'not-the-password';
    passwordsChecked = await connect(wrong.toString()).then(
      () => false,
      () => true,
    );
  }, 120_000);

  afterAll(async () => {
    for (const name of [ana, ben]) {
      await app.pool.query(`DROP ROLE IF EXISTS ${analystLogin(name)}`).catch(() => {});
    }
  });

  it("add prints a URL for the server of DATABASE_URL with the analyst's own login and a fresh password", async () => {
    const printed = new URL(anaUrl);
    const server = new URL(config.databaseUrl!);
    expect(printed.username).toBe(`analyst_${ana}`);
    expect(printed.password).toMatch(/^[0-9a-f]{48}$/);
    expect(new URL(benUrl).password).not.toBe(printed.password);
    expect(`${printed.host}${printed.pathname}`).toBe(`${server.host}${server.pathname}`);
    const { rows } = await asAna.query(
      `SELECT current_user AS who, current_database() AS db, pg_has_role(current_user, $1, 'USAGE') AS analyst,
              current_setting('statement_timeout') AS statement_timeout,
              current_setting('idle_in_transaction_session_timeout') AS idle_timeout`,
      [ANALYST_ROLE],
    );
    expect(rows[0]).toEqual({
      who: `analyst_${ana}`,
      db: server.pathname.slice(1),
      analyst: true,
      statement_timeout: '1min',
      idle_timeout: '1min',
    });
  });

  it('reads the analytics views, all their rows, and no table at all', async () => {
    const views = Object.keys(VIEWS).sort();
    const expected = views.map((v) => `analytics.${v} SELECT`);
    expect(await accessOf(ANALYST_ROLE)).toEqual(expected);
    expect(await accessOf(analystLogin(ana))).toEqual(expected);
    for (const view of views) {
      const result = await asAna.query(`SELECT * FROM analytics.${view}`);
      expect(
        result.fields.map((f) => f.name),
        view,
      ).toEqual(VIEWS[view]);
      expect(result.rows.length, view).toBeGreaterThan(0);
    }
    const { rows: tables } = await app.pool.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')`,
    );
    expect(tables.length).toBeGreaterThan(25);
    for (const { name } of tables) {
      expect(await failureOf(asAna, `SELECT 1 FROM public.${name} LIMIT 1`), name).toBe(PERMISSION_DENIED);
    }
    expect(await failureOf(asAna, `UPDATE analytics.sessions SET title = 'x'`)).toBe(PERMISSION_DENIED);
    expect(await failureOf(asAna, 'DELETE FROM analytics.skills')).toBe(PERMISSION_DENIED);
    expect(await failureOf(asAna, 'CREATE VIEW analytics.mine AS SELECT 1')).toBe(PERMISSION_DENIED);
  });

  it('shows no email, meeting URL, registration of a named member, reporter or id derived from one', async () => {
    const seen = await everythingAnalystsSee(asAna);
    const secrets = await app.pool.query<{ value: string; what: string }>(
      `SELECT email AS value, 'email' AS what FROM member_profiles
       UNION ALL SELECT meeting_url, 'meeting URL' FROM session_listings
       UNION ALL SELECT report_id, 'report id' FROM moderation_reports
       UNION ALL SELECT review_id, 'review id' FROM reviews
       UNION ALL SELECT reason, 'report reason' FROM moderation_reports`,
    );
    expect(secrets.rows.length).toBeGreaterThan(20);
    for (const { value, what } of secrets.rows) expect(seen.includes(value), `${what} ${value}`).toBe(false);

    // The only reporter here is Jonas, who owns nothing that was reported: his id is in no report.
    const { rows: reporter } = await app.pool.query<{ id: string }>(
      `SELECT DISTINCT reporter_id AS id FROM moderation_reports WHERE source = 'member'`,
    );
    const reports = await asAna.query('SELECT r::text AS row FROM analytics.reports r');
    expect(reports.rows.length).toBe(2);
    for (const { row } of reports.rows) expect(row).not.toContain(reporter[0]!.id);

    // Students are counted, never named: no view pairs a session with a member but its host.
    const { rows: students } = await app.pool.query<{ id: string }>(
      `SELECT DISTINCT member_id AS id FROM session_registrations
        WHERE member_id NOT IN (SELECT host_id FROM session_listings)`,
    );
    for (const view of ['sessions', 'session_attendance', 'registrations_per_day']) {
      const { rows } = await asAna.query<{ row: string }>(`SELECT v::text AS row FROM analytics.${view} v`);
      for (const { id } of students)
        expect(
          rows.some((r) => r.row.includes(id)),
          `${view}: ${id}`,
        ).toBe(false);
    }
    const { rows: counted } = await asAna.query<{ attended: number; signed_up: number }>(
      'SELECT sum(attended)::int AS attended, sum(signed_up)::int AS signed_up FROM analytics.session_attendance',
    );
    const { rows: truth } = await app.pool.query<{ attended: number; signed_up: number }>(
      'SELECT count(*) FILTER (WHERE attended)::int AS attended, count(*)::int AS signed_up FROM session_registrations',
    );
    expect(counted[0]).toEqual(truth[0]);
  });

  it('cannot change the shared role or another analyst: only its own password', async () => {
    const benLogin = analystLogin(ben);
    for (const statement of [
      `ALTER ROLE ${ANALYST_ROLE} SET statement_timeout = 0`,
      `ALTER ROLE ${ANALYST_ROLE} LOGIN`,
      `ALTER ROLE ${ANALYST_ROLE} PASSWORD 'taken over'`,
      `ALTER ROLE ${benLogin} PASSWORD 'locked out'`,
      `ALTER ROLE ${benLogin} NOLOGIN`,
      `ALTER ROLE ${benLogin} SET statement_timeout = 0`,
      `DROP ROLE ${benLogin}`,
      `GRANT ${ANALYST_ROLE} TO ${benLogin}`,
      `REVOKE ${ANALYST_ROLE} FROM ${benLogin}`,
      `CREATE ROLE analyst_${uniqueName('evil')} LOGIN`,
    ]) {
      expect(await failureOf(asAna, statement), statement).toBe(PERMISSION_DENIED);
    }
    const { rows } = await asAna.query<{ v: number }>(
      `SELECT current_setting('server_version_num')::int AS v`,
    );
    // From PostgreSQL 16 the membership leaves out SET ROLE; before it a member could act as the role, which has
    // no login to take over and no more rights than its members.
    if (rows[0]!.v >= 160000) {
      expect(await failureOf(asAna, `SET ROLE ${ANALYST_ROLE}`)).toBe(PERMISSION_DENIED);
    }

    const own = randomBytes(24).toString('hex');
    expect(await failureOf(asAna, `ALTER ROLE CURRENT_USER PASSWORD '${own}'`)).toBeNull();
    if (passwordsChecked) await expect(connect(anaUrl)).rejects.toMatchObject({ code: '28P01' });
    const renewed = new URL(anaUrl);
    renewed.password = own;
    expect((await (await connect(renewed.toString())).query('SELECT current_user AS u')).rows[0].u).toBe(
      analystLogin(ana),
    );
    // The other analyst is not locked out.
    const asBen = await connect(benUrl);
    expect((await asBen.query('SELECT count(*)::int AS n FROM analytics.skills')).rows[0].n).toBeGreaterThan(
      0,
    );
  });

  it('keeps reading the views after rebuilds swap the tables under them, new rows included', async () => {
    const before = await accessOf(ANALYST_ROLE);
    const hostess = await signUp(app, 'Rebuild Hostess');
    const session = await host(app, hostess, { title: 'Made just before the rebuild' });
    await untilCaughtUp(app, 20_000);
    for (const projector of app.consumers.filter((c) => c.kind === 'read-model')) {
      await app.rebuild(projector.name);
    }
    expect(await accessOf(ANALYST_ROLE)).toEqual(before);
    const { rows: options } = await app.pool.query<{ name: string; options: string[] }>(
      `SELECT relname AS name, reloptions AS options FROM pg_class
        WHERE relnamespace = 'analytics'::regnamespace ORDER BY 1`,
    );
    expect(options).toEqual(
      Object.keys(VIEWS)
        .sort()
        .map((name) => ({ name, options: ['security_barrier=true'] })),
    );
    // The connection made before the swaps reads the new tables, and so does a new one.
    const asBen = await connect(benUrl);
    for (const client of [asAna, asBen]) {
      const { rows } = await client.query(
        `SELECT s.title, a.signed_up, m.display_name FROM analytics.sessions s
           JOIN analytics.session_attendance a USING (session_id)
           JOIN analytics.members m ON m.member_id = s.host_id
          WHERE s.session_id = $1`,
        [session.id],
      );
      expect(rows).toEqual([
        { title: 'Made just before the rebuild', signed_up: 0, display_name: 'Rebuild Hostess' },
      ]);
    }
    expect(await failureOf(asAna, 'SELECT 1 FROM public.session_listings')).toBe(PERMISSION_DENIED);
  });

  it('runs every example query of docs/read-models.md, each answering with rows', async () => {
    const text = await fs.readFile(DOC, 'utf8');
    const queries = [...text.matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const sql of queries) {
      const title = sql.split('\n')[0]!;
      let result: pg.QueryResult;
      try {
        result = await asAna.query(sql);
      } catch (err) {
        throw new Error(`${title}\nfailed: ${(err as Error).message}`);
      }
      // The demo community (with a waitlist and reports added) has an answer for every question.
      expect(result.rows.length, title).toBeGreaterThan(0);
    }
  });

  it('lists the analysts, refuses a name taken, and explains when the database user may not manage roles', async () => {
    const listed = await admin(config, 'analyst', 'list');
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${ben}\\tanalyst_${ben}\\t\\d+ open sessions?\\tSkillSwap analyst ${ben}, added `),
      ),
    );
    expect(listed.err).toContain('They connect to postgres://<login>:<password>@');

    const again = await admin(config, 'analyst', 'add', ben);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/the analyst .* exists already/);
    const bad = await admin(config, 'analyst', 'add', 'Robert); DROP TABLE events; --');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/is not an analyst name/);

    const weak = `skillswap_test_weak_${randomBytes(4).toString('hex')}`;
    await app.pool.query(`CREATE ROLE ${weak} NOLOGIN`);
    const client = await app.pool.connect();
    try {
      await client.query(`SET ROLE ${weak}`);
      await expect(addAnalyst(client, uniqueName('nobody'))).rejects.toThrow(
        /may not manage the analysts' logins.*CREATEROLE/,
      );
    } finally {
      await client.query('RESET ROLE');
      client.release();
      await app.pool.query(`DROP ROLE ${weak}`);
    }
  });

  it("remove drops the login: the analyst's open session ends and the URL is refused", async () => {
    const asBen = await connect(benUrl);
    const ended = new Promise<string | undefined>((resolve) =>
      asBen.once('error', (err) => resolve((err as { code?: string }).code)),
    );
    const removed = await admin(config, 'analyst', 'remove', ben);
    expect(removed.code, removed.err).toBe(0);
    expect(removed.out[0]).toBe(`removed the analyst ${ben} (analyst_${ben}): the login is gone`);
    expect(removed.out[1]).toMatch(/^ended \d+ open sessions? of /);
    expect(await ended).toBe('57P01');
    // Refused for a bad password, or (on a server that trusts local connections) because the role is gone.
    await expect(connect(benUrl)).rejects.toMatchObject({ code: passwordsChecked ? '28P01' : '28000' });
    const { rows } = await app.pool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [analystLogin(ben)]);
    expect(rows).toEqual([]);
    expect((await admin(config, 'analyst', 'list')).out.join('\n')).not.toContain(ben);
    const gone = await admin(config, 'analyst', 'remove', ben);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain(`there is no analyst ${ben}`);
  });
});
