// The member mix's load generator, run as a child process by mix.ts (as load.ts runs autocannon: in the server's
// own process it would take the event loop being measured). Open loop: operations leave on a constant-rate
// schedule whatever the answers do, and each one's latency counts from the moment it was due, so a server that
// falls behind shows it as latency (the queue grows), never as a politely lower rate. Every operation is one
// request by a signed-in member picked at random, with that member's own cookie. The parent sends a setup, then
// one message per step; the members' registrations and reviews carry over from step to step.
import http from 'node:http';
import { createWorkload, KINDS, type MixKind, type MixSetup, type Op } from './mix-ops.ts';
import { percentile, seededRandom, sleep } from './stats.ts';

export type { MixKind, MixMember, MixSetup } from './mix-ops.ts';

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
let next: ReturnType<typeof createWorkload>;

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
  const r = seededRandom(seed);
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
      send(next(r), due).then((o) => {
        outcomes.push(o);
        if (o.result === 'unanswered' || o.status === 'network') return;
        lastAnswer = performance.now();
        if (Number.isNaN(firstAnswer)) firstAnswer = lastAnswer;
      }),
    );
  }
  await Promise.race([Promise.all(pending), sleep(setup.drainMs)]);
  // Still unanswered after the drain: given up (and counted), so that they do not spill into the next step.
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
    next = createWorkload(setup);
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
