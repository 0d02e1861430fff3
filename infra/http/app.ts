import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import helmet from 'helmet';
import { z } from 'zod';
import { decodeSeen, encodeSeen, type ReadRequest, SEEN_COOKIE, withReadRequest } from '../db/replicas.ts';
import type { Logger } from '../logger.ts';
import { apiDocsPolicy, sitePolicy } from './content-security-policy.ts';
import { errorHandler, forbidden, notFound, sendError } from './errors.ts';
import { pageVisitorOf } from './in-process.ts';
import { type PublicCache, usePublicCache } from './public-cache.ts';
import { refuseCrossSite } from './same-origin.ts';
import { errorBody } from './schemas.ts';
import { compiledSerializer } from './serializer.ts';
import type { SignedInUser } from './user.ts';

export type HttpApp = FastifyInstance;

export type { SignedInUser } from './user.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member, resolved once per request from the session cookie (null when signed out). */
    user: SignedInUser | null;
  }
}

export type HttpOptions = {
  log: Logger;
  trustProxy: boolean;
  publicOrigin: string | undefined;
  bodyLimit?: number;
  /** Every answer is also checked against its zod schema (tests: serializer.ts); off, answers are only written. */
  checkAnswers?: boolean;
  /** Resolves the session cookie into a member; supplied by the identity module. */
  authenticate: (request: FastifyRequest) => Promise<SignedInUser | null>;
  health: () => Promise<z.infer<typeof healthSchema>>;
  routes: ((app: FastifyInstance) => Promise<void> | void)[];
  /** Keeps what every signed-out visitor gets alike (public-cache.ts); none: every request is answered anew. */
  publicCache?: PublicCache;
  /** Reads of read-only requests may go to replicas (infra/db/replicas.ts): carry each visitor's last write. */
  readRouting?: boolean;
  /** Mounts the website after the API (optional: the API tests run without it). */
  web?: (app: FastifyInstance) => Promise<void>;
};

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  database: z.enum(['up', 'down']),
  /** The largest lag of a projector behind the log, in events; -1 while the database is down. */
  projectionLag: z.number(),
  /** Events some projector or reactor could not apply and went on past: any makes the status `degraded`. */
  setAsideEvents: z.number().optional(),
  /** With DATABASE_REPLICA_URLS: each replica, `up` (reads go there), `lagging` or `down` (skipped). */
  replicas: z
    .array(
      z.object({
        name: z.string(),
        status: z.enum(['up', 'lagging', 'down']),
        lagMs: z.number().nullable(),
      }),
    )
    .optional(),
});

/**
 * Each request's reads are routed by what it is (read-only or not) and by the visitor's last write, kept in a
 * cookie so that the visitor's next reads, on whichever process, wait for a replica to have it (replicas.ts).
 */
function useReadRouting(app: FastifyInstance) {
  app.decorateRequest('readRequest', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const read: ReadRequest = {
      readOnly: request.method === 'GET' || request.method === 'HEAD',
      seen: decodeSeen(request.cookies[SEEN_COOKIE]),
      wrote: null,
    };
    request.readRequest = read;
    withReadRequest(read, done);
  });
  app.addHook('onSend', async (request, reply) => {
    const wrote = request.readRequest?.wrote;
    if (!wrote) return;
    reply.setCookie(SEEN_COOKIE, encodeSeen(wrote), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      // Long enough for any replica that is not skipped for its lag to have replayed the write.
      maxAge: 600,
    });
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    readRequest: ReadRequest | null;
  }
}

export async function createHttpApp(options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    trustProxy: options.trustProxy,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(compiledSerializer({ checkAnswers: options.checkAnswers ?? false }));
  app.setErrorHandler(errorHandler);
  app.decorateRequest('user', null);
  // Every API route can meet a database that is down or does not answer: 503 `unavailable` is one of its answers.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || !route.schema || route.schema.hide) return;
    const response = (route.schema.response ?? {}) as Record<string, unknown>;
    if (!(503 in response)) route.schema.response = { ...response, 503: errorBody };
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // helmet itself, not @fastify/helmet: that plugin builds helmet's middleware anew on every request (parsing the
  // CSP each time, a measurable share of a cached answer); built once here, it only sets precomputed headers.
  const securityHeaders = helmet({
    // The whole policy is ours (no helmet defaults), so that pages, which send it themselves, get the same one.
    contentSecurityPolicy: { useDefaults: false, directives: sitePolicy },
    strictTransportSecurity: options.trustProxy,
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)),
  );
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  app.addHook('onRequest', refuseCrossSite(options.publicOrigin));
  if (options.readRouting) useReadRouting(app);
  if (options.publicCache) usePublicCache(app, options.publicCache);
  app.addHook('preHandler', async (request) => {
    // A page's API call (web.ts) is made for the visitor its own request already resolved: nothing to look up.
    const visitor = pageVisitorOf(request.raw);
    request.user = visitor ? visitor.user : await options.authenticate(request);
    if (
      request.user?.suspended &&
      !['GET', 'HEAD', 'OPTIONS'].includes(request.method) &&
      request.url !== '/api/auth/logout'
    ) {
      throw forbidden('Your account is suspended.');
    }
    // A suspended member's sessions are revoked by a reactor, after the suspension has answered: until then (and
    // for a sign-in that raced it) their reads went on as them (GET /api/me 200, meeting links), although a
    // suspension signs them out at once. Reads are answered as to anyone signed out; logout still works.
    if (request.user?.suspended && request.url !== '/api/auth/logout') request.user = null;
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'SkillSwap API',
        version: '1',
        description:
          'The public HTTP API of SkillSwap. Errors: `{ error: { code, message, details? } }`. Any route may ' +
          'answer 503 `unavailable` while the database is down or does not answer: nothing was changed, and ' +
          'the same request can be sent again.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'skillswap_session' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: apiDocsPolicy });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.withTypeProvider<ZodTypeProvider>().get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Health: 200 while the database answers, 503 within 2 s when it is down or does not answer',
        description:
          '`status` is `ok`, or `degraded` (still 200) while any projector or reactor has set events aside that ' +
          'it could not apply (`setAsideEvents` counts them; `npm run admin -- projections status` lists them ' +
          'and `projections retry <name>` applies them again), or `unavailable` (503) with the database `down`.',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const health = await options.health();
      return reply.code(health.database === 'up' ? 200 : 503).send(health);
    },
  );

  for (const routes of options.routes) await app.register(async (scope) => routes(scope));

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, notFound(`${request.method} ${request.url.split('?')[0]}`)),
  );
  if (options.web) await options.web(app);
  return app;
}
