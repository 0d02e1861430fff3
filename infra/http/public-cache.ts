import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';

/**
 * The answers every signed-out visitor gets alike (the session listings, the mentor directory, profiles,
 * leaderboards, and the pages built from them), kept in memory so that a burst of visitors costs one database
 * round and one render, not one each. Measured in docs/BENCHMARKS.md: without it those endpoints answered at
 * 0.04-0.13 of a trivial route's rate, the pages at 100-180 a second.
 *
 * Only for requests that carry no Cookie and no Authorization header (nobody is signed in, nothing personal can
 * be in the answer), only answers that say so: a route with `config: { publicCache: true }` or a page that sets
 * `Cache-Control: public` for a signed-out visitor, and only a 200 without Set-Cookie. Every entry is dropped as
 * soon as a projector in this process commits (`clear`), so a visitor never sees an answer older than the read
 * models this process wrote; `ttlMs` bounds how long one may trail what another server process projected.
 */
export type PublicCache = ReturnType<typeof createPublicCache>;

type Entry = { status: number; headers: Record<string, string>; body: Buffer };

/** What a cacheable answer says to browsers and proxies: the same for every signed-out visitor; ask again. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's answer to a signed-out visitor is the same for all of them and may be kept (public-cache.ts). */
    publicCache?: boolean;
  }
  interface FastifyRequest {
    /** Set when the answer came from the public cache (nothing to store again). */
    servedFromCache?: boolean;
    /** The cache's generation when this request missed: an answer read before a `clear` is not kept after it. */
    cacheGeneration?: number;
  }
}

// A page's own Content-Security-Policy carries the hashes of its inline scripts (web.ts): the security headers set
// before the lookup do not.
const KEPT_HEADERS = ['content-type', 'cache-control', 'content-language', 'content-security-policy'];

export function createPublicCache(options: { ttlMs: number; maxBytes?: number }) {
  const enabled = options.ttlMs > 0;
  const entries = new LRUCache<string, Entry>({
    maxSize: options.maxBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (e) => e.body.length + 200,
    ttl: Math.max(1, options.ttlMs),
  });
  let hits = 0;
  let misses = 0;
  let generation = 0;

  /** Whether this request may be answered from, and its answer kept in, the cache. */
  function eligible(request: FastifyRequest) {
    return (
      enabled &&
      request.method === 'GET' &&
      request.headers.cookie === undefined &&
      request.headers.authorization === undefined
    );
  }
  const keyOf = (request: FastifyRequest) => `${request.hostname} ${request.url}`;

  function keep(request: FastifyRequest, status: number, headers: Record<string, unknown>, body: Buffer) {
    // A projector committed while this answer was being read: it may hold what was true before; don't keep it.
    if (request.cacheGeneration !== generation) return;
    if (status !== 200 || headers['set-cookie'] !== undefined) return;
    if (!String(headers['cache-control'] ?? '').includes('public')) return;
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) if (headers[name] !== undefined) kept[name] = String(headers[name]);
    entries.set(keyOf(request), { status, headers: kept, body });
  }

  return {
    /** Answers from the cache (an onRequest hook: before authentication, body parsing and the route). */
    async lookup(request: FastifyRequest, reply: FastifyReply) {
      if (!eligible(request)) return;
      const entry = entries.get(keyOf(request));
      if (!entry) {
        request.cacheGeneration = generation;
        misses++;
        return;
      }
      hits++;
      request.servedFromCache = true;
      return reply.code(entry.status).headers(entry.headers).header('x-cache', 'hit').send(entry.body);
    },
    /** Keeps a route's serialised answer (an onSend hook). */
    async store(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      if (request.servedFromCache || !eligible(request)) return payload;
      if (request.routeOptions.config.publicCache) reply.header('cache-control', PUBLIC_CACHE_CONTROL);
      if (typeof payload === 'string' || Buffer.isBuffer(payload))
        keep(request, reply.statusCode, reply.getHeaders(), Buffer.from(payload));
      return payload;
    },
    /** Keeps what a handler writes straight to the response (the Astro pages, which take the raw response). */
    capture(request: FastifyRequest, res: ServerResponse) {
      if (!eligible(request)) return;
      const chunks: Buffer[] = [];
      const add = (chunk: unknown, encoding?: unknown) => {
        if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
        chunks.push(
          typeof chunk === 'string'
            ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
            : Buffer.from(chunk as Uint8Array),
        );
      };
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        add(chunk, rest[0]);
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        add(chunk, rest[0]);
        return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
      }) as typeof res.end;
      res.once('finish', () => keep(request, res.statusCode, res.getHeaders(), Buffer.concat(chunks)));
    },
    /** Forgets everything: a read model changed. */
    clear() {
      generation++;
      entries.clear();
    },
    stats: () => ({ entries: entries.size, bytes: entries.calculatedSize, hits, misses }),
  };
}

/** Registers the lookup and the keeping on an app: the lookup after the hooks that already ran (security headers). */
export function usePublicCache(app: FastifyInstance, cache: PublicCache) {
  app.addHook('onRequest', cache.lookup);
  app.addHook('onSend', cache.store);
}
