// HTTP: autocannon (in a child process, 50 connections) against the read endpoints and the server-rendered pages
// of the running app, signed out, with the generated data loaded; in the same run a trivial Fastify route served
// by this same process (the limit: what Fastify and Node do here with no work at all), and /api/badges (the
// app's whole request pipeline, hooks and serialisation, without the database). Also the JavaScript each page
// ships: gzip sizes of the /_astro/*.js files its HTML references, and of those plus the chunks they import.
import { execFile } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import type { Community } from './community.ts';
import { medianOf } from './stats.ts';

export type HttpRow = {
  name: string;
  path: string;
  /**
   * `uncached`: the same request with a cookie that names no session, which the public cache never answers;
   * `signed-in`: the same request by signed-in members, each request with the session cookie of one of them.
   */
  kind: 'api' | 'page' | 'limit' | 'uncached' | 'signed-in';
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** Average response size (headers and body), bytes. */
  bytes: number;
};
export type PageWeight = { page: string; referenced: number; withImports: number; files: number };

const LOAD = new URL('./load.ts', import.meta.url).pathname;

function load(
  url: string,
  paths: string[],
  seconds: number,
  headers?: Record<string, string>,
  cookies?: string[],
) {
  const connections = 50;
  return new Promise<{ requestsPerSecond: number; p50: number; p99: number; errors: number; bytes: number }>(
    (resolve, reject) => {
      execFile(
        process.execPath,
        [LOAD, JSON.stringify({ url, paths, connections, seconds, headers, cookies })],
        { maxBuffer: 1 << 20 },
        (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))),
      );
    },
  );
}

export function endpoints(c: Community): { name: string; kind: HttpRow['kind']; paths: string[] }[] {
  const skill = encodeURIComponent(c.skills[0] ?? 'TypeScript');
  const people = c.members.slice(0, 500).map((id) => `/api/users/${id}`);
  return [
    { name: 'GET /api/sessions', kind: 'api', paths: ['/api/sessions'] },
    {
      name: 'GET /api/sessions?skill&difficulty',
      kind: 'api',
      paths: [`/api/sessions?skill=${skill}&difficulty=beginner`],
    },
    { name: 'GET /api/sessions?q', kind: 'api', paths: ['/api/sessions?q=practice'] },
    { name: 'GET /api/mentors', kind: 'api', paths: ['/api/mentors'] },
    { name: 'GET /api/mentors?skill', kind: 'api', paths: [`/api/mentors?skill=${skill}`] },
    { name: 'GET /api/users/:id', kind: 'api', paths: people },
    { name: 'GET /api/leaderboards', kind: 'api', paths: ['/api/leaderboards'] },
    {
      name: 'GET /api/leaderboards?period=month&skill',
      kind: 'api',
      paths: [`/api/leaderboards?period=month&skill=${skill}`],
    },
    { name: 'GET /api/badges (no database)', kind: 'limit', paths: ['/api/badges'] },
    { name: 'page /', kind: 'page', paths: ['/'] },
    { name: 'page /sessions', kind: 'page', paths: ['/sessions'] },
    { name: 'page /users/:id', kind: 'page', paths: c.mentors.slice(0, 200).map((id) => `/users/${id}`) },
  ];
}

/** The trivial Fastify route (the limit), served by this same process on a port of its own. */
export async function startTrivial(): Promise<{ url: string; close: () => Promise<void> }> {
  const trivial = Fastify();
  trivial.get('/trivial', async () => ({ ok: true }));
  await trivial.listen({ port: 0, host: '127.0.0.1' });
  const address = trivial.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, close: () => trivial.close() };
}

/** The trivial route's req/s at 50 connections, when the HTTP runs (which measure it too) are skipped. */
export async function trivialRate(options: { seconds: number; runs: number }): Promise<number> {
  const trivial = await startTrivial();
  try {
    await load(trivial.url, ['/trivial'], 1);
    const m = await medianOf(options.runs, () => load(trivial.url, ['/trivial'], options.seconds));
    return m.requestsPerSecond;
  } finally {
    await trivial.close();
  }
}

export async function benchHttp(
  url: string,
  community: Community,
  options: {
    seconds: number;
    runs: number;
    pages: boolean;
    uncached: boolean;
    /** Session cookies of signed-in members: the signed-in rows (none: not measured). */
    signedIn: string[];
    /** Only these endpoints signed in (quick mode: a listing, a profile and their pages); none: all of them. */
    signedInEndpoints?: string[];
    /** Only these kinds of rows (the trivial route is always measured). */
    kinds?: Set<string>;
  },
  log: (msg: string) => void,
): Promise<{ rows: HttpRow[]; weights: PageWeight[] }> {
  const trivial = await startTrivial();
  const measured = endpoints(community).filter((e) => options.pages || e.kind !== 'page');
  const targets: {
    name: string;
    kind: HttpRow['kind'];
    paths: string[];
    base: string;
    headers?: Record<string, string>;
    cookies?: string[];
  }[] = [
    { name: 'trivial Fastify route (limit)', kind: 'limit' as const, paths: ['/trivial'], base: trivial.url },
    ...measured.map((e) => ({ ...e, base: url })),
    // A cookie that names no session: answered as to anyone signed out, but never from the public cache.
    ...(options.uncached
      ? measured
          .filter((e) => e.kind !== 'limit')
          .map((e) => ({
            ...e,
            name: `${e.name} (uncached)`,
            kind: 'uncached' as const,
            base: url,
            headers: { cookie: 'bench=uncached' },
          }))
      : []),
    // What members get: never the public cache, a session to look up, and pages with the signed-in header.
    ...(options.signedIn.length
      ? measured
          .filter((e) => e.kind !== 'limit')
          .filter((e) => !options.signedInEndpoints || options.signedInEndpoints.includes(e.name))
          .map((e) => ({
            ...e,
            name: `${e.name} (signed in)`,
            kind: 'signed-in' as const,
            base: url,
            cookies: options.signedIn,
          }))
      : []),
  ].filter((t) => t.kind === 'limit' || !options.kinds || options.kinds.has(t.kind));
  const rows: HttpRow[] = [];
  try {
    for (const t of targets) {
      await load(t.base, t.paths, 1, t.headers, t.cookies); // warm-up: JIT, plans, caches
      const m = await medianOf(options.runs, () =>
        load(t.base, t.paths, options.seconds, t.headers, t.cookies),
      );
      rows.push({ name: t.name, path: t.paths[0]!, kind: t.kind, ...m });
      log(
        `  ${t.name.padEnd(42)} ${Math.round(m.requestsPerSecond).toLocaleString('en-US').padStart(7)} req/s  ` +
          `p50 ${m.p50.toFixed(1)} ms  p99 ${m.p99.toFixed(1)} ms${m.errors ? `  ${m.errors} errors` : ''}`,
      );
    }
  } finally {
    await trivial.close();
  }
  const weights = options.pages
    ? await pageWeights(url, ['/', '/sessions', `/users/${community.mentors[0]}`])
    : [];
  return { rows, weights };
}

/** The JavaScript a page makes the browser download, gzip-compressed as a server would send it. */
export async function pageWeights(baseUrl: string, pages: string[]): Promise<PageWeight[]> {
  const sizes = new Map<string, { gzip: number; imports: string[] }>();
  async function file(path: string) {
    const known = sizes.get(path);
    if (known) return known;
    const text = await (await fetch(`${baseUrl}${path}`)).text();
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    // Static imports only (`import … from "./x.js"`, `import "./x.js"`): those load with the module; dynamic
    // import() chunks load later, when the code that needs them runs.
    const imports = [...text.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g)].map(
      (m) => new URL(m[1]!, `http://x${dir}`).pathname,
    );
    const entry = { gzip: gzipSync(text).length, imports };
    sizes.set(path, entry);
    return entry;
  }
  const out: PageWeight[] = [];
  for (const page of pages) {
    const html = await (await fetch(`${baseUrl}${page}`)).text();
    const referenced = [...new Set([...html.matchAll(/["'](\/_astro\/[^"']+\.js)["']/g)].map((m) => m[1]!))];
    let direct = 0;
    for (const p of referenced) direct += (await file(p)).gzip;
    const all = new Set<string>();
    const visit = async (p: string) => {
      if (all.has(p)) return;
      all.add(p);
      for (const i of (await file(p)).imports) await visit(i);
    };
    for (const p of referenced) await visit(p);
    let total = 0;
    for (const p of all) total += (await file(p)).gzip;
    out.push({ page, referenced: direct, withImports: total, files: all.size });
  }
  return out;
}
