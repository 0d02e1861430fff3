// The whole app with a read model that has a bug (it throws on members named "Poison" until `bug.on` is cleared)
// and one whose table is missing (every rebuild of it fails): what members, /healthz and admins see.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../infra/config.ts';
import type { Platform } from '../infra/platform.ts';
import { startPlatform } from '../infra/platform.ts';
import { defineProjector } from '../infra/projections/index.ts';
import { createTestDatabase, testConfig } from '../infra/testing/database.ts';
import type { IdentityEvent } from './identity/events.ts';
import { skillswap } from './index.ts';
import { call, type Member, withRole } from './moderation/testing.ts';

const bug = { on: true };
const fussy = defineProjector<IdentityEvent>({
  name: 'fussy_names',
  tables: [],
  on: {
    MemberSignedUp: async (_db, run) => {
      const poison = run.find((e) => e.data.displayName === 'Poison');
      if (bug.on && poison) throw new Error(`fussy_names cannot take ${poison.data.displayName}`);
    },
  },
});
const broken = defineProjector<IdentityEvent>({
  name: 'broken_tables',
  tables: ['table_nobody_created'],
  on: { MemberSignedUp: async () => {} },
});

const READ_YOUR_WRITES_MS = 3000;
const logged: { level: number; msg: string; projector?: string; err?: { message: string } }[] = [];
let app: Platform;
let admin: Member;
let config: Config;

beforeAll(async () => {
  const lines = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line));
      done();
    },
  });
  config = testConfig(await createTestDatabase(), { readYourWritesTimeoutMs: READ_YOUR_WRITES_MS });
  app = await startPlatform(config, pino({ level: 'info' }, lines), {
    ...skillswap,
    readModels: [...skillswap.readModels, fussy, broken],
  });
  admin = await withRole(app, 'admin', 'Ada');
});
afterAll(() => app?.stop());

const health = async () => (await app.http.inject({ method: 'GET', url: '/healthz' })).json();
const signUp = (displayName: string) =>
  app.http.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: {
      email: `${displayName.toLowerCase()}-${Date.now()}@example.com`,
      password: 'a perfectly good password',
      displayName,
    },
  });

describe('an event a read model cannot apply', () => {
  it('is set aside: the command answers in time, /healthz is degraded, admins see it and retry it', async () => {
    expect(await health()).toMatchObject({ status: 'ok', setAsideEvents: 0 });

    // When a member signs up with the name the projector chokes on
    const started = Date.now();
    const res = await signUp('Poison');
    // Then the sign-up answers within the read-your-writes wait (the projector went past the event) ...
    expect(res.statusCode).toBe(201);
    expect(Date.now() - started).toBeLessThan(READ_YOUR_WRITES_MS);
    // ... the member is there for every other read model, and the next sign-up works as ever
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const me = await app.http.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(me.json().user.displayName).toBe('Poison');
    expect((await signUp('Fine')).statusCode).toBe(201);

    // And /healthz still answers 200, degraded, with the count
    const h = await app.http.inject({ method: 'GET', url: '/healthz' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({ status: 'degraded', database: 'up', setAsideEvents: 1 });

    // And the admin API counts and lists it with its error
    const list = await call(app, admin, 'GET', '/api/admin/projections');
    expect(list.json().items.find((p: { name: string }) => p.name === 'fussy_names')).toMatchObject({
      status: 'running',
      setAside: 1,
      lag: 0,
    });
    const setAside = await call(app, admin, 'GET', '/api/admin/projections/set-aside');
    expect(setAside.statusCode).toBe(200);
    expect(setAside.json().items).toMatchObject([
      { projector: 'fussy_names', type: 'MemberSignedUp', error: 'fussy_names cannot take Poison' },
    ]);
    expect(setAside.json().items[0].tries).toBeGreaterThanOrEqual(3);
    const retriedEarly = await call(app, admin, 'POST', '/api/admin/projections/fussy_names/retry');
    expect(retriedEarly.json()).toMatchObject({ applied: [], failing: [{ projector: 'fussy_names' }] });
    expect(logged.some((l) => l.projector === 'fussy_names' && l.msg.startsWith('event set aside'))).toBe(
      true,
    );

    // When the bug is fixed and an admin retries, then it is applied, the list is empty and health is ok
    bug.on = false;
    const retried = await call(app, admin, 'POST', '/api/admin/projections/fussy_names/retry');
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ applied: [{ type: 'MemberSignedUp' }], failing: [] });
    expect((await call(app, admin, 'GET', '/api/admin/projections/set-aside')).json().items).toEqual([]);
    expect(await health()).toMatchObject({ status: 'ok', setAsideEvents: 0 });
    expect((await call(app, admin, 'POST', '/api/admin/projections/no_such/retry')).statusCode).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('has the degraded health and the set-aside routes', async () => {
    const doc = (await app.http.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const health = doc.paths['/healthz'].get;
    expect(health.description).toContain('degraded');
    expect(JSON.stringify(health.responses['200'])).toContain('"degraded"');
    expect(JSON.stringify(health.responses['200'])).toContain('setAsideEvents');
    expect(doc.paths['/api/admin/projections/set-aside'].get.summary).toBeTruthy();
    expect(Object.keys(doc.paths['/api/admin/projections/{name}/retry'].post.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '404']),
    );
    expect(JSON.stringify(doc.paths['/api/admin/projections'].get.responses['200'])).toContain(
      'rebuildError',
    );
  });
});

describe('rebuild jobs', () => {
  it('answer 409 while that projector is rebuilding', async () => {
    // A rebuild running in another process (the command line, say) holds its lock on a session of its own, as
    // theirs do: straight to the database. Taken through a transaction pooler (app.pool under TEST_PGBOUNCER=1),
    // the lock would stay on a server session that the app's own queries then share, see as theirs, and that no
    // unlock on the next pooled transaction is sure to reach.
    const holder = new pg.Client({ connectionString: config.databaseDirectUrl ?? config.databaseUrl });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('skillswap:rebuild:member_profiles'))`);
      const res = await call(app, admin, 'POST', '/api/admin/projections/member_profiles/rebuild');
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({
        code: 'conflict',
        message: 'A rebuild of member_profiles is already running.',
      });
    } finally {
      await holder.end();
    }
    expect(
      (await call(app, admin, 'POST', '/api/admin/projections/member_profiles/rebuild')).statusCode,
    ).toBe(202);
  });

  it('that fail show their error in the status and the log', async () => {
    const res = await call(app, admin, 'POST', '/api/admin/projections/broken_tables/rebuild');
    expect(res.statusCode).toBe(202);
    const status = async () =>
      (await call(app, admin, 'GET', '/api/admin/projections'))
        .json()
        .items.find((p: { name: string }) => p.name === 'broken_tables');
    const deadline = Date.now() + 15_000;
    while (!(await status()).rebuildError && Date.now() < deadline) await sleep(100);
    expect(await status()).toMatchObject({
      status: 'running',
      rebuildError: expect.stringMatching(/^rebuild failed: .*table_nobody_created/),
    });
    const failure = logged.find((l) => l.msg === 'projection rebuild failed');
    expect(failure).toMatchObject({ projector: 'broken_tables' });
    expect(failure?.err?.message).toContain('table_nobody_created');
  });
});
