// The real server while its embedded PostgreSQL is frozen (SIGSTOP of the postmaster and every backend: a hung
// server or a stalled network, which never answers, so its own statement_timeout never fires). Health, API and
// pages must answer 503 within their deadlines rather than hang, and everything serves again after SIGCONT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from './testing/load.ts';
import {
  cleanUpProcesses,
  freezePostgres,
  health,
  makeDataDir,
  postmasterPid,
  type ServerProcess,
  startServer,
  thawAll,
  waitUntil,
} from './testing/processes.ts';

const TIMEOUT = 60_000;
/** The client-side query timeout this server runs with (README: DB_QUERY_TIMEOUT_MS). */
const QUERY_TIMEOUT_MS = 3000;

let server: ServerProcess;
let member: { id: string; cookie: string };

beforeAll(async () => {
  server = await startServer(await makeDataDir(), {
    env: {
      DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      DB_STATEMENT_TIMEOUT_MS: '2000',
      DB_CONNECT_TIMEOUT_MS: '2000',
    },
  });
  member = await signUp(server.port, `frozen-${Date.now()}`);
}, TIMEOUT);

afterAll(async () => {
  // Never leave a stopped PostgreSQL behind, whatever failed.
  thawAll();
  await cleanUpProcesses();
}, TIMEOUT);

const at = (p: string) => `http://127.0.0.1:${server.port}${p}`;

/** One request, timed; the client gives up after 20 s so a hanging server fails the test instead of stalling it. */
async function timed(p: string, init: RequestInit = {}) {
  const started = Date.now();
  const res = await fetch(at(p), { ...init, signal: AbortSignal.timeout(20_000) });
  const body = await res.text();
  return { status: res.status, body, ms: Date.now() - started, retryAfter: res.headers.get('retry-after') };
}

describe('a frozen database', () => {
  it('health, API and pages answer 503 within their deadlines; after SIGCONT everything serves again', {
    timeout: TIMEOUT,
  }, async () => {
    const postmaster = await postmasterPid(server.dataDir);
    expect(postmaster).not.toBeNull();
    const { thaw } = await freezePostgres(postmaster!);
    try {
      const h = await timed('/healthz');
      expect(h.status, h.body).toBe(503);
      expect(h.ms).toBeLessThan(2000);
      expect(JSON.parse(h.body)).toMatchObject({ status: 'unavailable', database: 'down' });

      // Never asked before, so not in the public cache: the answer needs the database.
      const [api, write, page, signedInPage] = await Promise.all([
        timed(`/api/users/${member.id}`),
        timed('/api/auth/signup', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: 'frozen@example.com',
            password: 'a perfectly good password',
            displayName: 'F',
          }),
        }),
        timed(`/users/${member.id}`),
        // Signed in, the page fails sooner: resolving the session needs the database.
        timed('/sessions', { headers: { cookie: member.cookie } }),
      ]);
      for (const res of [api, write]) {
        expect(res.status, res.body).toBe(503);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'unavailable' } });
        expect(res.ms).toBeLessThan(QUERY_TIMEOUT_MS + 2000);
      }
      for (const res of [page, signedInPage]) {
        expect(res.status, res.body).toBe(503);
        expect(res.body).toContain('<html');
        expect(res.body).toContain('SkillSwap is unavailable for a moment');
        expect(res.retryAfter).toBe('5');
        expect(res.ms).toBeLessThan(QUERY_TIMEOUT_MS + 2000);
      }

      // Still frozen: the health check keeps its own deadline whatever else waits on the database.
      const again = await timed('/healthz');
      expect(again.status).toBe(503);
      expect(again.ms).toBeLessThan(2000);
    } finally {
      thaw();
    }

    await waitUntil(
      10_000,
      '/healthz answering 200 after SIGCONT',
      async () => ((await health(server.port))?.status === 200 ? true : undefined),
      server,
    );
    expect((await timed(`/api/users/${member.id}`)).status).toBe(200);
    expect((await timed(`/users/${member.id}`)).status).toBe(200);
    expect((await timed('/sessions', { headers: { cookie: member.cookie } })).status).toBe(200);
    const id = await waitUntil(10_000, 'a sign-up answered 201', () =>
      signUp(server.port, `thawed-${Date.now()}`).then(
        (m) => m.id,
        () => undefined,
      ),
    );
    expect((await timed(`/api/users/${id}`)).status).toBe(200);
    expect(server.child.exitCode, server.output()).toBeNull();
    expect(server.output()).not.toMatch(/Unhandled|uncaught/i);
  });
});
