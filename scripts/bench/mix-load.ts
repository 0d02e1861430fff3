// The member mix's load generator, run as a child process by mix.ts (as load.ts runs autocannon: in the server's
// own process it would take the event loop being measured). Open loop: operations leave on a constant-rate
// schedule whatever the answers do, and each one's latency counts from the moment it was due, so a server that
// falls behind shows it as latency (the queue grows), never as a politely lower rate. Every operation is one
// request by a signed-in member picked at random, with that member's own cookie. The parent sends a setup, then
// one message per step; the members' registrations and reviews carry over from step to step.
import http from 'node:http';
import { percentile, seededRandom, sleep } from './stats.ts';
import { COMMENTS } from './words.ts';

export const KINDS = ['browse', 'open', 'register/leave', 'review'] as const;
export type MixKind = (typeof KINDS)[number];
export type MixMember = { id: string; cookie: string; unreviewed: string[] };
export type MixSetup = {
  url: string;
  connections: number;
  members: MixMember[];
  upcoming: { id: string; hostId: string }[];
  /** Sessions and profiles to open (ids). */
  sessions: string[];
  profiles: string[];
  skills: string[];
  /** Whether the site is built: without it the page operations become their API routes. */
  pages: boolean;
  reviewsPerDay: number;
  /** A write answered after this long (ms) counts as one that waited out the read-your-writes timeout. */
  slowWriteMs: number;
  /** How long a step waits for its last answers before it gives them up as errors. */
  drainMs: number;
};
export type RouteFigures = {
  route: string;
  kind: MixKind;
  count: number;
  /** Expected refusals: a leave when not registered, a register when already in or no longer open (409). */
  refused: number;
  errors: number;
  /** Not answered within 30 s, or still unanswered when the step's drain ended (overload, not a wrong answer). */
  unanswered: number;
  p50: number;
  p99: number;
  /** Answers by status ("201 waitlisted" apart from "201"); "unanswered", and "network" for connection errors. */
  statuses: Record<string, number>;
};
export type StepFigures = {
  offered: number;
  seconds: number;
  sent: number;
  answered: number;
  achievedRate: number;
  p50: number;
  p99: number;
  max: number;
  refused: number;
  /** 5xx, unexpected 4xx and connection errors: something is broken (the run fails). */
  errors: number;
  unanswered: number;
  slowWrites: number;
  /** How late this generator sent (p99, ms): large values mean the load generator itself was short of CPU. */
  lateP99: number;
  kinds: { kind: MixKind; count: number; p50: number; p99: number }[];
  routes: RouteFigures[];
  errorSamples: string[];
};
export type ToLoad =
  | { type: 'setup'; setup: MixSetup }
  | { type: 'step'; rate: number; seconds: number; seed: number }
  | { type: 'stop' };
export type FromLoad = { type: 'ready' } | { type: 'result'; figures: StepFigures };

/** Share of operations per route (per 100). Browsing 60, opening sessions and profiles 20, register/leave 15, reviews 5. */
const WEIGHTS: [number, string][] = [
  [20, 'page /sessions'],
  [10, 'page /mentors'],
  [20, 'GET /api/sessions?filters'],
  [10, 'GET /api/mentors?filters'],
  [6, 'page /sessions/:id'],
  [4, 'page /users/:id'],
  [6, 'GET /api/sessions/:id'],
  [4, 'GET /api/users/:id'],
  [15, 'register/leave'],
  [5, 'review'],
];
const WORDS = ['practice', 'project', 'mistakes', 'fundamentals', 'habits'];
const DIFFICULTIES = ['beginner', 'intermediate', 'advanced'];

type Op = {
  route: string;
  kind: MixKind;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  cookie: string;
  body?: string;
  /** Statuses that are a correct answer to this request but not a success (counted apart, never as errors). */
  refusals?: number[];
};
type Outcome = {
  op: Op;
  status: string;
  latency: number;
  result: 'ok' | 'refused' | 'error' | 'unanswered';
  slow: boolean;
  body: string;
};

let setup: MixSetup;
let agent: http.Agent;
let r = seededRandom(1);
/** Sessions each member is (as far as this generator knows) registered or waitlisted for. */
const joined = new Map<string, Set<string>>();
const reviewsLeft = new Map<string, number>();
let reviewers: MixMember[] = [];
const reviewed: { member: MixMember; sessionId: string }[] = [];

function query(params: Record<string, string>) {
  return new URLSearchParams(params).toString();
}

function browseFilters(): Record<string, string> {
  const roll = r.next();
  if (roll < 0.3) return {};
  if (roll < 0.6) return { skill: r.pick(setup.skills) };
  if (roll < 0.8) return { skill: r.pick(setup.skills), difficulty: r.pick(DIFFICULTIES) };
  return { q: r.pick(WORDS) };
}

function registerOrLeave(member: MixMember): Omit<Op, 'route' | 'kind' | 'cookie'> {
  const mine = joined.get(member.id) ?? new Set<string>();
  joined.set(member.id, mine);
  let sessionId: string;
  if (mine.size > 0 && r.chance(0.5)) sessionId = r.pick([...mine]);
  else {
    let s = r.pick(setup.upcoming);
    for (let i = 0; i < 5 && s.hostId === member.id; i++) s = r.pick(setup.upcoming);
    sessionId = s.id;
  }
  const path = `/api/sessions/${sessionId}/registration`;
  // The state is noted when the request leaves, so the next operation on the same pair does the other thing.
  if (mine.delete(sessionId)) return { method: 'DELETE', path, refusals: [409] };
  mine.add(sessionId);
  return { method: 'POST', path, refusals: [409] };
}

function review(): Op | null {
  const comment = () => r.pick(COMMENTS);
  while (reviewers.length > 0) {
    const k = r.int(reviewers.length);
    const member = reviewers[k]!;
    const left = reviewsLeft.get(member.id) ?? 0;
    if (left <= 0 || member.unreviewed.length === 0) {
      reviewers.splice(k, 1);
      continue;
    }
    const sessionId = member.unreviewed.splice(r.int(member.unreviewed.length), 1)[0]!;
    reviewsLeft.set(member.id, left - 1);
    reviewed.push({ member, sessionId });
    const body = JSON.stringify({ rating: 1 + r.int(5), comment: comment() });
    return { ...reviewOp(member, sessionId, body), refusals: [] };
  }
  // Every attended session reviewed: a second review of one (409), while the member's daily allowance lasts.
  const again = reviewed.filter((x) => (reviewsLeft.get(x.member.id) ?? 0) > 0);
  if (again.length === 0) return null;
  const { member, sessionId } = r.pick(again);
  reviewsLeft.set(member.id, reviewsLeft.get(member.id)! - 1);
  return {
    ...reviewOp(member, sessionId, JSON.stringify({ rating: 5, comment: comment() })),
    refusals: [409],
  };
}

function reviewOp(member: MixMember, sessionId: string, body: string): Op {
  const path = `/api/sessions/${sessionId}/reviews`;
  return {
    route: 'POST /api/sessions/:id/reviews',
    kind: 'review',
    method: 'POST',
    path,
    cookie: member.cookie,
    body,
  };
}

function choose(): Op {
  let roll = r.int(100);
  let route = WEIGHTS[0]![1];
  for (const [w, name] of WEIGHTS) {
    if (roll < w) {
      route = name;
      break;
    }
    roll -= w;
  }
  const member = r.pick(setup.members);
  const cookie = member.cookie;
  if (route === 'review') {
    const op = review();
    if (op) return op;
    route = 'GET /api/sessions?filters';
  }
  if (route === 'register/leave') {
    const op = registerOrLeave(member);
    return { ...op, route: `${op.method} /api/sessions/:id/registration`, kind: 'register/leave', cookie };
  }
  if (!setup.pages && route.startsWith('page ')) route = `GET /api${route.slice('page '.length)}`;
  const [, where] = route.split(' ') as [string, string];
  const get = (path: string, kind: MixKind): Op => ({ route, kind, method: 'GET', path, cookie });
  const filtered = (base: string, params: Record<string, string>) =>
    get(Object.keys(params).length ? `${base}?${query(params)}` : base, 'browse');
  const base = where.replace(/\?filters$/, '');
  if (where.startsWith('/sessions') || where.startsWith('/api/sessions')) {
    if (where.endsWith('/:id')) return get(base.replace(':id', r.pick(setup.sessions)), 'open');
    return filtered(base, browseFilters());
  }
  if (where.endsWith('/users/:id')) return get(base.replace(':id', r.pick(setup.profiles)), 'open');
  return filtered(base, r.chance(0.5) ? { skill: r.pick(setup.skills) } : {});
}

const inflight = new Set<http.ClientRequest>();
const GIVE_UP = 'unanswered';

function send(op: Op, due: number): Promise<Outcome> {
  const { hostname, port } = new URL(setup.url);
  return new Promise((resolve) => {
    const sentAt = performance.now();
    let answered = false;
    const done = (status: string, body = '') => {
      if (answered) return;
      answered = true;
      inflight.delete(req);
      const now = performance.now();
      const code = Number(status);
      const waitlisted = code === 201 && body.includes('"waitlisted"');
      resolve({
        op,
        status: waitlisted ? '201 waitlisted' : status,
        latency: now - due,
        result:
          status === GIVE_UP
            ? 'unanswered'
            : code >= 200 && code < 300
              ? 'ok'
              : (op.refusals ?? []).includes(code)
                ? 'refused'
                : 'error',
        slow: op.method !== 'GET' && now - sentAt >= setup.slowWriteMs,
        body,
      });
    };
    const failed = (err: Error) => done(err.message === GIVE_UP ? GIVE_UP : 'network');
    const headers: Record<string, string> = { cookie: op.cookie, accept: '*/*' };
    if (op.body) headers['content-type'] = 'application/json';
    const req = http.request({ agent, hostname, port, method: op.method, path: op.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      // The body is read to the end (a client does); kept only for a write's small answer ("waitlisted") and
      // for a failure's, to show what went wrong.
      const keep = op.method !== 'GET' || (res.statusCode ?? 0) >= 400;
      res.on('data', (c: Buffer) => keep && chunks.push(c));
      res.on('end', () => done(String(res.statusCode), Buffer.concat(chunks).toString('utf8')));
      res.on('error', failed);
    });
    inflight.add(req);
    req.setTimeout(30_000, () => req.destroy(new Error(GIVE_UP)));
    req.on('error', failed);
    req.end(op.body);
  });
}

async function step(rate: number, seconds: number, seed: number): Promise<StepFigures> {
  r = seededRandom(seed);
  const total = Math.max(1, Math.round(rate * seconds));
  const started = performance.now();
  const late: number[] = [];
  const outcomes: Outcome[] = [];
  let firstAnswer = Number.NaN;
  let lastAnswer = Number.NaN;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    late.push(Math.max(0, performance.now() - due));
    pending.push(
      send(choose(), due).then((o) => {
        outcomes.push(o);
        if (o.result === 'unanswered' || o.status === 'network') return;
        lastAnswer = performance.now();
        if (Number.isNaN(firstAnswer)) firstAnswer = lastAnswer;
      }),
    );
  }
  await Promise.race([Promise.all(pending), sleep(setup.drainMs)]);
  // Still unanswered after the drain: given up, and counted as errors, so they do not spill into the next step.
  for (const req of inflight) req.destroy(new Error(GIVE_UP));
  await Promise.all(pending);
  return figures(rate, seconds, total, outcomes, late, (lastAnswer - firstAnswer) / 1000);
}

function figures(
  rate: number,
  seconds: number,
  sent: number,
  outcomes: Outcome[],
  late: number[],
  span: number,
): StepFigures {
  const answered = outcomes.filter((o) => o.result !== 'unanswered' && o.status !== 'network');
  const count = (list: Outcome[], result: Outcome['result']) =>
    list.filter((o) => o.result === result).length;
  const byRoute = new Map<string, Outcome[]>();
  for (const o of outcomes) byRoute.set(o.op.route, [...(byRoute.get(o.op.route) ?? []), o]);
  const latencies = (list: Outcome[]) => list.map((o) => o.latency);
  const routes: RouteFigures[] = [...byRoute.entries()]
    .map(([route, list]) => {
      const statuses: Record<string, number> = {};
      for (const o of list) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
      return {
        route,
        kind: list[0]!.op.kind,
        count: list.length,
        refused: count(list, 'refused'),
        errors: count(list, 'error'),
        unanswered: count(list, 'unanswered'),
        p50: percentile(latencies(list), 50),
        p99: percentile(latencies(list), 99),
        statuses,
      };
    })
    .sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || b.count - a.count);
  const kinds = KINDS.map((kind) => {
    const list = outcomes.filter((o) => o.op.kind === kind);
    return {
      kind,
      count: list.length,
      p50: percentile(latencies(list), 50),
      p99: percentile(latencies(list), 99),
    };
  });
  const errors = outcomes.filter((o) => o.result === 'error');
  return {
    offered: rate,
    seconds,
    sent,
    answered: answered.length,
    // Answers per second from the first to the last: the offered rate while latency stays level, the server's
    // capacity once a queue builds up (the last answers then come ever later).
    achievedRate:
      answered.length > 1 ? (answered.length - 1) / Math.max(span, 1e-3) : answered.length / seconds,
    p50: percentile(latencies(outcomes), 50),
    p99: percentile(latencies(outcomes), 99),
    max: percentile(latencies(outcomes), 100),
    refused: count(outcomes, 'refused'),
    errors: errors.length,
    unanswered: count(outcomes, 'unanswered'),
    slowWrites: outcomes.filter((o) => o.slow).length,
    lateP99: percentile(late, 99),
    kinds,
    routes,
    errorSamples: errors
      .slice(0, 5)
      .map((o) => `${o.op.method} ${o.op.path}: ${o.status} ${o.body.slice(0, 200)}`),
  };
}

const reply = (m: FromLoad) => process.send!(m);
process.on('disconnect', () => process.exit(0));
process.on('message', (m: ToLoad) => {
  if (m.type === 'stop') process.exit(0);
  if (m.type === 'setup') {
    setup = m.setup;
    agent = new http.Agent({ keepAlive: true, maxSockets: setup.connections, scheduling: 'fifo' });
    reviewers = setup.members.filter((x) => x.unreviewed.length > 0);
    for (const x of setup.members) reviewsLeft.set(x.id, setup.reviewsPerDay);
    reply({ type: 'ready' });
    return;
  }
  step(m.rate, m.seconds, m.seed).then(
    (f) => reply({ type: 'result', figures: f }),
    (err) => {
      console.error('member mix load generator failed:', err);
      process.exit(1);
    },
  );
});
