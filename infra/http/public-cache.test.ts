// The public cache's own rules, on a bare Fastify app (modules/public-cache.db.test.ts shows it in the whole app).
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createPublicCache, usePublicCache } from './public-cache.ts';

function appWith(ttlMs: number) {
  const cache = createPublicCache({ ttlMs });
  const app = Fastify();
  usePublicCache(app, cache);
  let reads = 0;
  let gate: Promise<void> = Promise.resolve();
  app.get('/listing', { config: { publicCache: true } }, async () => {
    const n = ++reads;
    await gate;
    return { read: n };
  });
  app.get('/private', async () => ({ read: ++reads }));
  return {
    app,
    cache,
    hold() {
      let open = () => {};
      gate = new Promise((r) => {
        open = r;
      });
      return () => {
        open();
        gate = Promise.resolve();
      };
    },
  };
}

describe('public cache', () => {
  it('answers a repeated signed-out request from memory until cleared', async () => {
    const { app, cache } = appWith(60_000);
    expect((await app.inject('/listing')).json()).toEqual({ read: 1 });
    const hit = await app.inject('/listing');
    expect(hit.json()).toEqual({ read: 1 });
    expect(hit.headers['x-cache']).toBe('hit');
    cache.clear();
    expect((await app.inject('/listing')).json()).toEqual({ read: 2 });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, entries: 1 });
  });

  it('does not keep an answer read while a projector committed (it may be from before)', async () => {
    const { app, cache, hold } = appWith(60_000);
    const release = hold();
    const pending = app.inject('/listing');
    await new Promise((r) => setTimeout(r, 20));
    cache.clear();
    release();
    expect((await pending).json()).toEqual({ read: 1 });
    const next = await app.inject('/listing');
    expect(next.headers['x-cache']).toBeUndefined();
    expect(next.json()).toEqual({ read: 2 });
  });

  it('forgets an answer after its time, and keeps nothing when the time is 0', async () => {
    const short = appWith(50);
    await short.app.inject('/listing');
    await new Promise((r) => setTimeout(r, 80));
    expect((await short.app.inject('/listing')).json()).toEqual({ read: 2 });
    const off = appWith(0);
    await off.app.inject('/listing');
    const again = await off.app.inject('/listing');
    expect(again.headers['x-cache']).toBeUndefined();
    expect(again.json()).toEqual({ read: 2 });
  });

  it('never keeps what a route does not declare, nor answers a request with a cookie or credentials', async () => {
    const { app } = appWith(60_000);
    await app.inject('/private');
    expect((await app.inject('/private')).json()).toEqual({ read: 2 });
    await app.inject('/listing'); // read 3, kept
    const withCookie = await app.inject({ url: '/listing', headers: { cookie: 'a=b' } });
    expect(withCookie.json()).toEqual({ read: 4 });
    expect(withCookie.headers['cache-control']).toBeUndefined();
    const withAuth = await app.inject({ url: '/listing', headers: { authorization: 'Bearer x' } });
    expect(withAuth.json()).toEqual({ read: 5 });
    expect((await app.inject({ url: '/listing', method: 'HEAD' })).headers['x-cache']).toBeUndefined();
  });
});
