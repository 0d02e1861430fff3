// Every route of the OpenAPI document, driven with hostile path ids, query values, cursors and bodies (NUL, lone
// surrogates, control characters, huge and negative numbers, dates PostgreSQL cannot hold, offsets like -23:59,
// wrong types, deep objects), signed out, as a member and as an admin. No answer may be a 5xx, and afterwards
// every projector must be caught up and healthy, and a new member must still sign up.
// The seed is fixed: a failure names its counterexample and reproduces on every run.

import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import type { ProjectionStatus } from '../infra/projections/views.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { changeRole } from './identity/index.ts';
import { skillswap } from './index.ts';
import { signUpAs } from './testing.ts';

const SEED = 12_012;
/** Cases per route and method: about 45 of them, so over two thousand requests in all. */
const RUNS = 50;

type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  nullable?: boolean;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; schema?: JsonSchema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
};
type Route = { method: string; path: string; operation: Operation };

let app: Platform;
const who: Record<'signedOut' | 'member' | 'admin', string | null> = {
  signedOut: null,
  member: null,
  admin: null,
};
/** Ids that exist, so that some cases get past 404 into the handlers. */
const realIds: string[] = [];
let routes: Route[] = [];

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 100_000 } });
  const member = await signUpAs(app);
  const admin = await signUpAs(app);
  await changeRole(app.command, admin.user.email, 'admin', true, { actorId: null });
  who.member = member.cookie;
  who.admin = admin.cookie;
  // A host of their own: the fuzz may cancel, report or suspend what it finds, but never its own callers.
  const host = await signUpAs(app);
  const session = await app.http.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: { cookie: host.cookie },
    payload: {
      title: 'Fuzzing target',
      skill: 'Testing',
      difficulty: 'beginner',
      startsAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
      durationMinutes: 60,
      capacity: 3,
      meetingUrl: 'https://meet.example.com/fuzz',
    },
  });
  expect(session.statusCode, session.body).toBe(201);
  realIds.push(host.user.id, session.json().session.id);

  const doc = (await app.http.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation & { consumes?: string[] }>>;
  };
  routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
});

/**
 * Routes left out: multipart uploads (the avatar, modules/identity/avatar.http.test.ts; its operation says so in
 * its summary, as it has no JSON body) and signing the caller out.
 */
const skipped = (r: Route) =>
  JSON.stringify(r.operation).includes('multipart') || (r.method === 'POST' && r.path === '/api/auth/logout');

// ---- hostile values ----------------------------------------------------------------------------------------

/** Any UTF-16 code units, lone surrogates and controls included (fc.string keeps to well-formed text). */
const anyUnits = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 })
  .map((units) => String.fromCharCode(...units));
const controls = fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f);
const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    'x\udbffy',
    '\ude00\ud83d',
    '\t',
    '\n',
    '\r\n',
    '\u001b[31m',
    '\u007f',
    '\u0085',
    '\u202e',
    '\ufeff',
    '\uffff',
    '',
    ' ',
    '😀',
    "' OR 1=1 --",
    '%00',
    '../../package.json',
    'x'.repeat(10_000),
  ),
  controls.map((c) => `a${String.fromCharCode(c)}b`),
  anyUnits,
);
const hostileNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, -1, 0, -0, 2 ** 53 + 1, 1.5, 1e21, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom('5', '1e999', 'NaN', '0x10'),
);
const hostileDate = fc.oneof(
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+14:00',
    '-000001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '9999-12-31T23:59:59-14:00',
    '10000-01-01T00:00:00Z',
    '+010000-01-01T00:00:00Z',
    '2026-01-01T00:00:00-23:59',
    '2026-01-01T00:00:00+24:00',
    '2030-02-30T10:00:00Z',
    '2030-06-01T10:00:00',
    '2026',
    'yesterday',
    '1970-01-01T00:00:00Z',
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 12_000 }),
      fc.integer({ min: -30, max: 30 }),
      fc.integer({ min: 0, max: 59 }),
    )
    .map(
      ([year, h, m]) =>
        `${String(year).padStart(4, '0')}-06-01T10:00:00${h < 0 ? '-' : '+'}${String(Math.abs(h)).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
    ),
);
const deepObject = fc.integer({ min: 50, max: 2000 }).map((depth) => {
  let v: unknown = ['\u0000'];
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
});
const wrongType = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    [],
    {},
    [[[[]]]],
    JSON.parse('{"__proto__": {"admin": true}}'),
    JSON.parse('{"constructor": {"prototype": {"admin": true}}}'),
  ),
  deepObject,
  fc.array(hostileString, { maxLength: 3 }),
);
const hostile = fc.oneof(hostileString, hostileNumber, hostileDate, wrongType);

/** A cursor: random base64url, or base64url of a random JSON array (of times, ids, numbers, anything). */
const cursor = fc.oneof(
  fc.base64String().map((s) => s.replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')),
  fc
    .array(fc.oneof(hostileString, hostileNumber, hostileDate, fc.constantFrom(null, {}, [])), {
      maxLength: 4,
    })
    .map((values) => Buffer.from(JSON.stringify(values)).toString('base64url')),
  fc
    .tuple(
      fc.oneof(hostileDate, fc.constant('2026-01-01T00:00:00.000000Z')),
      fc.oneof(hostileString, fc.uuid()),
    )
    .map((values) => Buffer.from(JSON.stringify(values)).toString('base64url')),
);

// ---- values a schema would accept, to get past validation into the handlers ---------------------------------

/** Values for fields whose checks a random string seldom passes (what a real client would send). */
const KNOWN: Record<string, () => fc.Arbitrary<unknown>> = {
  timezone: () => fc.constantFrom('Europe/Berlin', 'UTC', 'Pacific/Kiritimati', 'America/St_Johns'),
  meetingUrl: () => fc.constantFrom('https://meet.example.com/x', 'https://例え.jp/会議'),
  avatarUrl: () => fc.constantFrom('https://images.example.com/a.png', null),
  email: () => fc.uuid().map((u) => `fuzz-${u}@example.com`),
  targetId: () => fc.constantFrom(...realIds),
  attendeeIds: () => fc.subarray(realIds),
  ids: () => fc.array(fc.uuid(), { minLength: 1, maxLength: 3 }),
  skill: () => fc.constantFrom('Testing', 'Baking', '  machine  learning '),
  q: () => fc.constantFrom('bread', 'Fuzzing target', '"quoted" -not', 'a & b | c'),
};

function plausible(schema: JsonSchema, depth = 0, name?: string): fc.Arbitrary<unknown> {
  const known = name ? KNOWN[name] : undefined;
  if (known) return known();
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((s) => plausible(s, depth)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'date-time')
        return fc
          .integer({ min: -86400, max: 400 * 86400 })
          .map((s) => new Date(Date.now() + s * 1000).toISOString());
      return fc.oneof(
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }),
        fc.string({ minLength: 3, maxLength: 30, unit: 'grapheme' }),
        fc.constantFrom(...realIds),
      );
    case 'integer':
    case 'number':
      return fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1000, 1000) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schema.items ? plausible(schema.items, depth + 1) : hostile, { maxLength: 4 });
    case 'object':
      return depth > 3 ? fc.constant({}) : bodyFor(schema, depth + 1);
    default:
      return hostile;
  }
}

/**
 * A body for an object schema: every field plausible (to reach the handler), one field hostile (to probe each
 * check past the others), or a mix; now and then with stray keys.
 */
function bodyFor(schema: JsonSchema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(schema.properties ?? {});
  const requiredKeys = fields.filter(([name]) => schema.required?.includes(name)).map(([name]) => name);
  const record = (value: (s: JsonSchema, name: string) => fc.Arbitrary<unknown>) =>
    fc.record(Object.fromEntries(fields.map(([name, s]) => [name, value(s, name)])), { requiredKeys });
  const plain = record((s, name) => plausible(s, depth, name));
  const oneHostile =
    fields.length === 0
      ? plain
      : fc
          .tuple(plain, fc.constantFrom(...fields.map(([name]) => name)), hostile)
          .map(([body, name, value]) => ({ ...body, [name]: value }));
  const mixed = record((s, name) =>
    fc.oneof({ weight: 3, arbitrary: plausible(s, depth, name) }, { weight: 2, arbitrary: hostile }),
  );
  return fc
    .tuple(
      fc.oneof(plain, oneHostile, mixed),
      fc.option(fc.dictionary(hostileString, hostile, { maxKeys: 2 }), { freq: 5 }),
    )
    .map(([body, extra]) => ({ ...body, ...(extra ?? {}) }));
}

// ---- requests -------------------------------------------------------------------------------------------------

/** A path segment as a client could send it: an id, any text (encoded), or bytes that are not UTF-8. */
const pathSegment = fc.oneof(
  fc.constantFrom(
    ...['%00', 'a%00b', '%ED%A0%80', '%FF', '%C0%80', '%', '%zz', '..', '%2e%2e%2f', 'x'.repeat(300)],
  ),
  hostileString.map((s) => encodeURIComponent(s.toWellFormed())),
  fc.constantFrom(...[0, 1].map((i) => () => realIds[i]!)).map((id) => id()),
  fc.uuid(),
);
const queryValue = fc.oneof(
  hostileString.map((s) => encodeURIComponent(s.toWellFormed())),
  hostileDate.map(encodeURIComponent),
  hostileNumber.map((n) => encodeURIComponent(String(n))),
  fc.constantFrom('%00', '%ED%A0%80', '%FF', '%', '%zz', ''),
);

function requestFor(route: Route) {
  const params = route.operation.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  const json = route.operation.requestBody?.content['application/json']?.schema;
  return fc
    .record({
      who: fc.constantFrom('signedOut', 'member', 'admin', 'admin', 'member'),
      segments: fc.tuple(...pathParams.map(() => pathSegment)),
      query: fc.tuple(
        ...query.map((p) =>
          fc.option(
            p.name === 'cursor'
              ? cursor.map(encodeURIComponent)
              : fc.oneof(
                  plausible(p.schema ?? {}, 0, p.name).map((v) =>
                    encodeURIComponent(String(v).toWellFormed()),
                  ),
                  queryValue,
                  // The same key twice: an array where a string is expected.
                  queryValue.map((v) => [v, v]),
                ),
            { freq: 3 },
          ),
        ),
      ),
      body: json
        ? fc.oneof({ weight: 5, arbitrary: bodyFor(json) }, { weight: 1, arbitrary: hostile })
        : fc.option(hostile, { freq: 3 }),
      // Kept with a sign-in session: cleaned, never refused (the member did not write it).
      userAgent: fc.option(
        hostileString.filter((s) => s.length > 0 && s.length < 500),
        { freq: 4 },
      ),
    })
    .map(({ who: caller, segments, query: values, body, userAgent }): Request => {
      let url = route.path;
      pathParams.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, segments[i]!);
      });
      const pairs = query.flatMap((p, i) => {
        const v = values[i];
        if (v === null || v === undefined) return [];
        return (Array.isArray(v) ? v : [v]).map((one) => `${encodeURIComponent(p.name)}=${one}`);
      });
      return {
        method: route.method,
        url: pairs.length ? `${url}?${pairs.join('&')}` : url,
        caller: caller as keyof typeof who,
        body,
        userAgent,
      };
    });
}

type Request = {
  method: string;
  url: string;
  caller: keyof typeof who;
  body: unknown;
  userAgent?: string | null;
};

function send(req: Request) {
  const cookie = who[req.caller];
  const hasBody = req.body !== null && req.body !== undefined;
  return app.http.inject({
    method: req.method as 'GET',
    url: req.url,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(req.userAgent ? { 'user-agent': req.userAgent } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    ...(hasBody ? { payload: JSON.stringify(req.body) } : {}),
  });
}

describe('fuzzing every route', () => {
  it('answers no 5xx to thousands of hostile requests, and leaves every projector caught up', async () => {
    const fuzzed = routes.filter((r) => !skipped(r));
    expect(fuzzed.length).toBeGreaterThan(40);
    const statuses = new Map<number, number>();
    /** Routes where a command went through: the plausible cases must reach the handlers, not only the schemas. */
    const changed = new Set<string>();
    for (const [i, route] of fuzzed.entries()) {
      await fc.assert(
        fc.asyncProperty(requestFor(route), async (req) => {
          let res: LightMyRequestResponse;
          try {
            res = await send(req);
          } catch (err) {
            throw new Error(`${req.method} ${req.url} threw ${String(err)}`);
          }
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode < 300 && req.method !== 'GET') changed.add(`${req.method} ${route.path}`);
          if (res.statusCode >= 500) {
            throw new Error(
              `${req.method} ${req.url} as ${req.caller} answered ${res.statusCode}: ${res.body.slice(0, 300)}`,
            );
          }
        }),
        { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
      );
    }
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const passed = [...statuses].filter(([s]) => s < 400).reduce((a, [, n]) => a + n, 0);
    expect(total).toBeGreaterThan(2000);
    expect(passed, JSON.stringify(Object.fromEntries(statuses))).toBeGreaterThan(total * 0.05);
    expect([...changed]).toEqual(
      expect.arrayContaining(['POST /api/auth/signup', 'PATCH /api/me/profile', 'POST /api/sessions']),
    );

    // Then every projector is caught up, none failing
    await expect
      .poll(
        async () => {
          const res = await send({
            method: 'GET',
            url: '/api/admin/projections',
            caller: 'admin',
            body: null,
          });
          if (res.statusCode !== 200) return res.body;
          return (res.json().items as ProjectionStatus[]).filter((p) => p.lag !== 0 || p.lastError !== null);
        },
        { timeout: 10_000, interval: 200 },
      )
      .toEqual([]);
    // And a new member signs up and is readable at once
    const { user } = await signUpAs(app);
    const profile = await app.http.inject({ method: 'GET', url: `/api/users/${user.id}` });
    expect(profile.statusCode, profile.body).toBe(200);
  }, 120_000);
});
