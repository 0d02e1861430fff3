import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { errorHandler, notFound, sendError } from './errors.ts';
import { callAs } from './in-process.ts';
import type { PublicCache } from './public-cache.ts';

type AstroHandler = (
  req: unknown,
  res: unknown,
  next: (err?: unknown) => void,
  locals: object,
) => Promise<void>;

export type ApiCall = (
  path: string,
  init?: { method?: string; body?: unknown },
) => Promise<{ status: number; body: unknown }>;

/**
 * What every page gets in Astro.locals: the signed-in member and the API, called in-process as that member. Each
 * call runs the route as a request from the network would (its hooks, validation, authorisation, handler and
 * serialiser), except the session lookup: the page's request resolved the visitor already (in-process.ts). A GET
 * the page makes twice (a layout and the page asking for the same thing) is made once.
 */
export function pageLocals(app: FastifyInstance, request: FastifyRequest) {
  const headers = {
    ...(request.headers.cookie ? { cookie: request.headers.cookie } : {}),
    // The page's own host (and, behind a trusted proxy, scheme), so that URLs the API builds from them (the
    // calendar feed's) name the site the visitor is on, not the in-process call's localhost:80.
    ...Object.fromEntries(
      (['host', 'x-forwarded-host', 'x-forwarded-proto'] as const)
        .filter((h) => typeof request.headers[h] === 'string')
        .map((h) => [h, request.headers[h] as string]),
    ),
    'x-request-id': request.id,
    'user-agent': request.headers['user-agent'] ?? 'skillswap-web',
  };
  const call: ApiCall = async (url, init = {}) => {
    const res = await callAs(app, request.user, {
      method: (init.method ?? 'GET') as 'GET',
      url,
      headers,
      ...(init.body === undefined ? {} : { payload: init.body as object }),
    });
    let body: unknown = null;
    if (res.body && (res.headers['content-type'] ?? '').toString().includes('json')) body = res.json();
    return { status: res.statusCode, body };
  };
  const reads = new Map<string, ReturnType<ApiCall>>();
  const api: ApiCall = (url, init = {}) => {
    if ((init.method ?? 'GET') !== 'GET') return call(url, init);
    let read = reads.get(url);
    if (!read) {
      read = call(url, init);
      reads.set(url, read);
    }
    return read;
  };
  return { api, user: request.user, requestId: request.id };
}

/**
 * Serves the Astro site (built into web/dist by `npm run build`) from the API's own process and port: static
 * assets from dist/client, every other GET through Astro's middleware handler.
 */
export async function mountWeb(app: FastifyInstance, distDir: string, cache?: PublicCache) {
  const entry = path.join(distDir, 'server', 'entry.mjs');
  if (!existsSync(entry)) {
    app.log.warn(
      `the website is not built (${entry} is missing): run \`npm run build\`; serving the API only`,
    );
    return;
  }
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler };
  await app.register(fastifyStatic, {
    root: path.join(distDir, 'client'),
    wildcard: false,
    // Astro fingerprints everything under /_astro: those files never change under the same name.
    setHeaders: (res, filePath) => {
      if (filePath.includes(`${path.sep}_astro${path.sep}`)) {
        res.header('cache-control', 'public, max-age=31536000, immutable');
      }
    },
  });
  const render = async (request: FastifyRequest, reply: FastifyReply, locals: object) => {
    // Astro writes to the raw response: keep the headers our hooks set (security headers, request id). A page
    // answers with a Content-Security-Policy of its own (the site's, with the hashes of Astro's inline scripts,
    // web/astro.config.mjs), which replaces the one set here: writeHead's headers win over those set before.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value as string);
    }
    reply.hijack();
    cache?.capture(request, reply.raw);
    await handler(
      request.raw,
      reply.raw,
      (err) => {
        if (!reply.raw.headersSent) reply.raw.writeHead(err ? 500 : 404).end();
      },
      locals,
    );
  };
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    schema: { hide: true },
    handler: async (request, reply) => {
      if (request.url.startsWith('/api/'))
        return sendError(reply, notFound(`GET ${request.url.split('?')[0]}`));
      await render(request, reply, pageLocals(app, request));
    },
    // The database failed before the page began (resolving the visitor's session): the site's own 503 page
    // rather than the API's JSON answer.
    errorHandler: async (err: FastifyError, request, reply) => {
      if (request.url.startsWith('/api/') || !isDatabaseUnavailable(err))
        return errorHandler(err, request, reply);
      request.log.warn({ err }, 'database unavailable');
      await render(request, reply, { ...pageLocals(app, request), user: null, databaseUnavailable: true });
    },
  });
}
