// Processes by role on ONE database, as a deployment past one machine runs them: a web process serves HTTP and
// appends, two workers run the projectors, reactors and jobs (one runner per projector, by its advisory lock),
// and when the worker holding the projectors dies by SIGKILL the other takes them over within seconds.
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
import { lockConnections, singleHolder } from './testing/projector-locks.ts';

const TIMEOUT = 120_000;
const CONSUMERS = consumersOf(skillswap).map((c) => c.name);

let url: string;
let pool: Pool;
let web: ServerProcess;
let first: ServerProcess;
let second: ServerProcess;

beforeAll(async () => {
  url = await createTestDatabase();
  pool = createPool(url, { max: 2, applicationName: 'roles-test' });
  const env = { DATABASE_URL: url, SEED_DEMO: '0', SIGNUP_LIMIT_PER_IP: '100000' };
  // The first worker starts alone, so that it holds every projector when the second one comes.
  first = await startServer(await makeDataDir(), { env, args: ['--role=worker'] });
  second = await startServer(await makeDataDir(), { env, args: ['--role=worker'] });
  web = await startServer(await makeDataDir(), { env, args: ['--role=web'] });
}, TIMEOUT);

afterAll(async () => {
  await cleanUpProcesses();
  await pool?.end();
}, TIMEOUT);

const at = (server: ServerProcess, path: string) => `http://127.0.0.1:${server.port}${path}`;

let signedUp = 0;
async function signUp() {
  const n = ++signedUp;
  const email = `role-${n}@example.com`;
  const res = await fetch(at(web, '/api/auth/signup'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a perfectly good password', displayName: `Member ${n}` }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { user } = (await res.json()) as { user: { id: string } };
  return { id: user.id, email, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

function logged(msg: string, server: ServerProcess) {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && (JSON.parse(line) as { msg?: string }).msg === msg);
}

describe('web and worker processes on one database', () => {
  it('the web process serves and appends; the workers project; a member reads their own write at once', {
    timeout: TIMEOUT,
  }, async () => {
    for (let i = 0; i < 5; i++) {
      const member = await signUp();
      // Projected by a worker, waited for by the web process before it answered the sign-up.
      expect((await fetch(at(web, `/api/users/${member.id}`))).status).toBe(200);
    }
    // Workers answer their health check and nothing else.
    expect((await health(first.port))?.body).toMatchObject({ status: 'ok', database: 'up' });
    expect((await fetch(at(first, '/api/sessions'))).status).toBe(404);
    expect((await fetch(at(web, '/api/sessions'))).status).toBe(200);
  });

  it('runs every projector in the first worker, none in the web process', async () => {
    const holder = await singleHolder(pool, CONSUMERS);
    expect(holder).toBeDefined();
    // One lock connection per worker; the web process makes none.
    const connections = await lockConnections(pool);
    expect(connections).toHaveLength(2);
    expect(connections[0]!.pid).toBe(holder);
  });

  it('a job requested through the web process runs in a worker', { timeout: TIMEOUT }, async () => {
    const admin = await signUp();
    const grant = spawnTracked(
      'npm',
      ['run', '--silent', 'admin', '--', 'roles', 'grant', admin.email, 'admin'],
      {
        ...serverEnv(web.dataDir, web.port, { DATABASE_URL: url }),
      },
    );
    expect((await within(60_000, 'roles grant', grant.exited)).code, grant.output()).toBe(0);
    const res = await fetch(at(web, '/api/admin/projections/member_profiles/rebuild'), {
      method: 'POST',
      headers: { cookie: admin.cookie },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    await waitUntil(30_000, 'the rebuild job completed', async () => {
      const { rows } = await pool.query<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [
        jobId,
      ]);
      return rows[0]?.state === 'completed' ? true : undefined;
    });
    expect(logged('projection rebuilt', web)).toHaveLength(0);
    expect(logged('projection rebuilt', first).length + logged('projection rebuilt', second).length).toBe(1);
  });

  it('when the worker holding the projectors is SIGKILLed, the other takes them over', {
    timeout: TIMEOUT,
  }, async () => {
    const before = await singleHolder(pool, CONSUMERS);
    first.child.kill('SIGKILL');
    expect((await within(10_000, 'the first worker exiting', first.exited)).signal).toBe('SIGKILL');
    await waitUntil(
      10_000,
      'the second worker holding every projector lock',
      async () => {
        const pid = await singleHolder(pool, CONSUMERS);
        return pid !== undefined && pid !== before ? pid : undefined;
      },
      second,
    );
    const member = await signUp();
    expect((await fetch(at(web, `/api/users/${member.id}`))).status).toBe(200);
  });
});

describe('the role argument', () => {
  it('refuses an unknown role, and a role without DATABASE_URL, with one line each', {
    timeout: TIMEOUT,
  }, async () => {
    const dir = await makeDataDir();
    const unknown = spawnTracked(process.execPath, ['scripts/server.ts', '--role=cook'], serverEnv(dir, 0));
    expect((await within(30_000, 'exit', unknown.exited)).code).toBe(1);
    expect(unknown.output()).toContain('--role must be one of all, web, worker (got "cook")');
    const alone = spawnTracked(process.execPath, ['scripts/server.ts', '--role=web'], serverEnv(dir, 0));
    expect((await within(30_000, 'exit', alone.exited)).code).toBe(1);
    expect(alone.output()).toContain('--role=web needs DATABASE_URL');
  });
});
