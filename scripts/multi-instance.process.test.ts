// Two real server processes on ONE database, as a deployment with several instances behind a load balancer runs:
// both serve reads and writes, each projector runs in exactly one of them (its advisory lock), a pg-boss job runs
// once, and when the instance holding the projectors dies by SIGKILL the other takes them over within seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../infra/db/index.ts';
import { createTestDatabase } from '../infra/testing/database.ts';
import { skillswap } from '../modules/index.ts';
import { consumersOf } from './admin/database.ts';
import {
  cleanUpProcesses,
  health,
  makeDataDir,
  type ServerProcess,
  serverEnv,
  spawnTracked,
  startServer,
  waitUntil,
  within,
} from './testing/processes.ts';
import { lockConnections, lockHolders, singleHolder } from './testing/projector-locks.ts';

const TIMEOUT = 120_000;
const CONSUMERS = consumersOf(skillswap).map((c) => c.name);

let url: string;
let pool: Pool;
let a: ServerProcess;
let b: ServerProcess;
const members: { id: string; email: string; cookie: string }[] = [];

beforeAll(async () => {
  url = await createTestDatabase();
  pool = createPool(url, { max: 2, applicationName: 'multi-instance-test' });
  const env = { DATABASE_URL: url, SEED_DEMO: '0', SIGNUP_LIMIT_PER_IP: '100000' };
  // One after the other, so that the first instance holds every projector when the second one starts.
  a = await startServer(await makeDataDir(), { env });
  b = await startServer(await makeDataDir(), { env });
}, TIMEOUT);

afterAll(async () => {
  await cleanUpProcesses();
  await pool?.end();
}, TIMEOUT);

const at = (server: ServerProcess, path: string) => `http://127.0.0.1:${server.port}${path}`;

async function signUp(server: ServerProcess, n: number) {
  const email = `instance-${n}@example.com`;
  const res = await fetch(at(server, '/api/auth/signup'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a perfectly good password', displayName: `Member ${n}` }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { user } = (await res.json()) as { user: { id: string } };
  const member = { id: user.id, email, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
  members.push(member);
  return member;
}

async function caughtUp(server: ServerProcess) {
  return waitUntil(
    15_000,
    `projection lag 0 on port ${server.port}`,
    async () => {
      const h = await health(server.port);
      return h?.status === 200 && h.body.projectionLag === 0 ? true : undefined;
    },
    server,
  );
}

/** Every consumer's checkpoint is at the head, none is failing, and member_profiles holds one row per member. */
async function expectProjectedOnce() {
  const { rows } = await pool.query<{
    name: string;
    position: number;
    status: string;
    last_error: string | null;
  }>('SELECT name, position, status, last_error FROM projection_checkpoints ORDER BY name');
  const head = (await pool.query<{ head: number }>('SELECT max(global_position) AS head FROM events'))
    .rows[0]!.head;
  expect(rows.map((r) => r.name).sort()).toEqual([...CONSUMERS].sort());
  for (const r of rows)
    expect(r).toEqual({ name: r.name, position: head, status: 'running', last_error: null });
  const profiles = await pool.query<{ n: number }>('SELECT count(*) AS n FROM member_profiles');
  expect(profiles.rows[0]!.n).toBe(members.length);
}

/** JSON log lines (production) of both instances with this message. */
function logged(msg: string, ...servers: ServerProcess[]) {
  return servers
    .flatMap((s) => s.output().split('\n'))
    .filter((line) => line.startsWith('{') && (JSON.parse(line) as { msg?: string }).msg === msg);
}

describe('two instances on one database', () => {
  it('both serve reads and writes, with read-your-writes across instances', {
    timeout: TIMEOUT,
  }, async () => {
    for (const server of [a, b]) {
      expect((await health(server.port))?.body).toMatchObject({ status: 'ok', database: 'up' });
      expect((await fetch(at(server, '/api/sessions'))).status).toBe(200);
    }
    for (let n = 1; n <= 10; n++) {
      const server = n % 2 ? a : b;
      const member = await signUp(server, n);
      // Written through one instance, projected by whichever holds member_profiles, readable at once on both.
      expect((await fetch(at(a, `/api/users/${member.id}`))).status).toBe(200);
      expect((await fetch(at(b, `/api/users/${member.id}`))).status).toBe(200);
    }
    await caughtUp(a);
    await caughtUp(b);
    await expectProjectedOnce();
  });

  it('runs each projector in exactly one process: one lock holder, the other instance standing by', async () => {
    const holders = await lockHolders(pool, CONSUMERS);
    expect(holders.filter((h) => h.pid === null)).toEqual([]);
    const holder = await singleHolder(pool, CONSUMERS);
    expect(holder, JSON.stringify(holders)).toBeDefined();
    expect(holders[0]!.app).toBe('skillswap-projector-locks');
    const connections = await lockConnections(pool);
    expect(connections).toHaveLength(2);
    // The first instance started first, so it holds them: its lock connection is the older one.
    expect(connections[0]!.pid).toBe(holder);
  });

  it('runs a requested projection rebuild (a pg-boss job) exactly once across the instances', {
    timeout: TIMEOUT,
  }, async () => {
    const adminMember = members[0]!;
    const grant = spawnTracked(
      'npm',
      ['run', '--silent', 'admin', '--', 'roles', 'grant', adminMember.email, 'admin'],
      {
        ...serverEnv(b.dataDir, b.port, { DATABASE_URL: url }),
      },
    );
    expect((await within(60_000, 'roles grant', grant.exited)).code, grant.output()).toBe(0);
    await waitUntil(10_000, 'the admin role visible on instance B', async () => {
      const me = await fetch(at(b, '/api/me'), { headers: { cookie: adminMember.cookie } });
      const body = (await me.json()) as { user: { roles: string[] } };
      return body.user.roles.includes('admin') ? true : undefined;
    });
    const res = await fetch(at(b, '/api/admin/projections/member_profiles/rebuild'), {
      method: 'POST',
      headers: { cookie: adminMember.cookie },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    await waitUntil(30_000, 'the rebuild job completed', async () => {
      const { rows } = await pool.query<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [
        jobId,
      ]);
      return rows[0]?.state === 'completed' ? true : undefined;
    });
    const jobs = await pool.query<{ n: number }>(
      `SELECT count(*) AS n FROM pgboss.job WHERE name = 'projections-rebuild'`,
    );
    expect(jobs.rows[0]!.n).toBe(1);
    expect(logged('rebuilding projection', a, b)).toHaveLength(1);
    expect(logged('projection rebuilt', a, b)).toHaveLength(1);
    await caughtUp(b);
    await expectProjectedOnce();
  });

  it('when the instance holding the projectors is SIGKILLed, the other takes them over within seconds', {
    timeout: TIMEOUT,
  }, async () => {
    const before = await singleHolder(pool, CONSUMERS);
    expect(before).toBeDefined();
    a.child.kill('SIGKILL');
    expect((await within(10_000, 'instance A exiting', a.exited)).signal).toBe('SIGKILL');
    const killedAt = Date.now();

    const after = await waitUntil(
      10_000,
      'instance B holding every projector lock',
      async () => {
        const pid = await singleHolder(pool, CONSUMERS);
        return pid !== undefined && pid !== before ? pid : undefined;
      },
      b,
    );
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(10_000);
    expect((await lockConnections(pool)).map((c) => c.pid)).toEqual([after]);

    // Writes through the survivor are projected by it: lag 0 on its /healthz, one row per member.
    for (let n = 11; n <= 13; n++) {
      const member = await signUp(b, n);
      expect((await fetch(at(b, `/api/users/${member.id}`))).status).toBe(200);
    }
    await caughtUp(b);
    await expectProjectedOnce();
  });
});
