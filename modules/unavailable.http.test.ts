// The whole app while its database cannot be reached: cut (connections reset, new ones refused) and stalled (a
// frozen server: connections open, no answer), through a TCP link between the app and its test database.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { startPlatform } from '../infra/platform.ts';
import { createTestDatabase, testConfig, testLogger } from '../infra/testing/database.ts';
import { type FaultyLink, startFaultyLink } from '../infra/testing/proxy.ts';
import { skillswap } from './index.ts';
import { signUpAs } from './testing.ts';

const QUERY_TIMEOUT_MS = 1000;

let app: Platform;
let link: FaultyLink;

beforeAll(async () => {
  link = await startFaultyLink(await createTestDatabase());
  const config = testConfig(link.url, {
    database: { connectMs: 1000, statementMs: 800, idleInTransactionMs: 60_000, queryMs: QUERY_TIMEOUT_MS },
  });
  app = await startPlatform(config, testLogger(), skillswap);
});
afterAll(async () => {
  await link?.restore();
  await app?.stop();
  await link?.close();
});

let n = 0;
/** A request the public cache cannot answer: a query string never asked before. */
const freshRead = () => app.http.inject({ method: 'GET', url: `/api/sessions?limit=${(n++ % 40) + 10}` });
const signUp = () =>
  app.http.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: `down-${n++}@example.com`, password: 'a perfectly good password', displayName: 'Down' },
  });

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

async function until(condition: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const healthy = async () => (await app.http.inject({ method: 'GET', url: '/healthz' })).statusCode === 200;

describe('a database that cannot be reached', () => {
  it('cut: reads and writes answer 503 unavailable at once, /healthz 503; all 200 again once it is back', async () => {
    await signUpAs(app);
    await link.cut();
    for (const res of [await freshRead(), await signUp()]) {
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'unavailable' } });
    }
    const health = await app.http.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ status: 'unavailable', database: 'down', projectionLag: -1 });

    await link.restore();
    await until(healthy, 5000);
    expect((await freshRead()).statusCode).toBe(200);
    // Written, projected (the projectors resumed by themselves) and readable.
    const { user, cookie } = await signUpAs(app);
    const me = await app.http.inject({ method: 'GET', url: `/api/users/${user.id}`, headers: { cookie } });
    expect(me.statusCode, me.body).toBe(200);
  });

  it('stalled: /healthz answers 503 within 2 s, requests 503 within the query timeout; then 200 again', async () => {
    await until(healthy, 5000);
    link.stall();
    try {
      const health = await timed(() => app.http.inject({ method: 'GET', url: '/healthz' }));
      expect(health.value.statusCode).toBe(503);
      expect(health.ms).toBeLessThan(2000);
      const [read, write] = await Promise.all([timed(freshRead), timed(signUp)]);
      for (const { value, ms } of [read, write]) {
        expect(value.statusCode, value.body).toBe(503);
        expect(value.json()).toMatchObject({ error: { code: 'unavailable' } });
        expect(ms).toBeLessThan(QUERY_TIMEOUT_MS + 1500);
      }
    } finally {
      await link.restore();
    }
    await until(healthy, 5000);
    expect((await signUp()).statusCode).toBe(201);
  });
});

describe('the OpenAPI document', () => {
  it('lists 503 unavailable as an answer of every API route, and the health answers of /healthz', async () => {
    const { paths } = (await app.http.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    const missing = Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => path.startsWith('/api/') && op.responses && !op.responses['503'])
        .map(([method]) => `${method} ${path}`),
    );
    expect(missing).toEqual([]);
    expect(paths['/healthz']?.get?.responses?.['503']).toBeDefined();
  });
});
