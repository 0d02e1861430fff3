// A page's API calls (web.ts pageLocals) on the app's own pipeline, with an app whose sign-in is a header check.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createHttpApp } from './app.ts';
import { requireUser } from './guards.ts';
import { pageLocals } from './web.ts';

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

async function appWithPage() {
  const seen = { lookups: 0, reads: 0 };
  app = await createHttpApp({
    log: createLogger({ level: 'silent', pretty: false }),
    trustProxy: false,
    publicOrigin: undefined,
    health: async () => ({ status: 'ok', database: 'up', projectionLag: 0 }),
    // The session lookup: a query per call in the real app (modules/identity/authenticate.ts).
    authenticate: async (request) => {
      seen.lookups++;
      return request.headers.cookie === 'session=ana'
        ? { id: 'ana', email: 'ana@example.com', displayName: 'Ana', roles: [] }
        : null;
    },
    routes: [
      (scope) => {
        scope.get('/api/me/name', async (request) => {
          seen.reads++;
          return { name: requireUser(request).displayName };
        });
      },
    ],
    web: async (root) => {
      root.get('/page', async (request) => {
        const { api } = pageLocals(root, request);
        const [first, again, other] = await Promise.all([
          api('/api/me/name'),
          api('/api/me/name'),
          api('/api/nowhere'),
        ]);
        return { first, again, other };
      });
    },
  });
  return { app, seen };
}

describe("a page's calls to the API", () => {
  it("run as the page's visitor, whose session is looked up once for the page and its calls", async () => {
    const { app, seen } = await appWithPage();
    const res = await app.inject({ url: '/page', headers: { cookie: 'session=ana' } });
    expect(res.json()).toEqual({
      first: { status: 200, body: { name: 'Ana' } },
      again: { status: 200, body: { name: 'Ana' } },
      other: {
        status: 404,
        body: { error: { code: 'not_found', message: 'GET /api/nowhere was not found.' } },
      },
    });
    expect(seen).toEqual({ lookups: 1, reads: 1 });
  });

  it("still meet the route's authorisation: a signed-out page gets the API's 401", async () => {
    const { app } = await appWithPage();
    const res = await app.inject({ url: '/page' });
    expect(res.json().first).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
  });

  it('leave requests from the network to their own session lookup, cookie or not', async () => {
    const { app, seen } = await appWithPage();
    expect((await app.inject({ url: '/api/me/name', headers: { cookie: 'session=ana' } })).json()).toEqual({
      name: 'Ana',
    });
    expect((await app.inject({ url: '/api/me/name' })).statusCode).toBe(401);
    expect(seen.lookups).toBe(2);
  });
});
