// The member mix: a few hundred signed-in members at once, each with a sign-in session and cookie of its own,
// browsing (the /sessions and /mentors pages, GET /api/sessions and /api/mentors with filters), opening sessions
// and profiles (pages and API), registering and leaving, and reviewing completed sessions they attended, at rising
// offered rates (open loop, mix-load.ts). Per rate: the achieved rate, p50/p99 per route and per kind of operation,
// expected refusals apart from errors, the projection lag during the step, and the writes that waited out the
// read-your-writes timeout: the app's own warnings, counted from its log (benchLogger), and, as a cross-check,
// writes answered after at least READ_YOUR_WRITES_TIMEOUT_MS.
import { fork } from 'node:child_process';
import { type Logger, pino } from 'pino';
import type { Pool } from '../../infra/db/index.ts';
import { type Checkpoint, type EventStore, isAtOrPast } from '../../infra/event-store/index.ts';
import type { Platform } from '../../infra/platform.ts';
// The app's own sign-in sessions, opened as a login opens them: the generated members have no real password to
// log in with, and a login per member would spend an argon2 verification each (seconds of CPU) before measuring.
import { openSession, SESSION_COOKIE } from '../../modules/identity/auth-sessions.ts';
import type { Community } from './community.ts';
import type { FromLoad, MixMember, StepFigures, ToLoad } from './mix-load.ts';
import { percentile, seededRandom, sleep } from './stats.ts';

export type { MixKind, RouteFigures } from './mix-load.ts';

/** infra/platform.ts logs this when a command's wait for the read models ends at the timeout. */
export const RYW_WARNING = 'read models did not catch up within the read-your-writes wait';

export type MixStep = StepFigures & {
  /** The app's read-your-writes warnings logged during the step. */
  rywTimeouts: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  /** The offered rate was not achieved (under 0.9 of it), or requests went unanswered: past saturation. */
  overloaded: boolean;
  /** Achieved, p99 under 100 ms, no errors, no read-your-writes timeout. */
  held: boolean;
};
export type MixResult = {
  members: number;
  connections: number;
  seconds: number;
  pages: boolean;
  /** The trivial route's req/s measured in the same run; the rates are shares of it unless given in ops/s. */
  trivialRate: number;
  steps: MixStep[];
};

/**
 * The app's logger for the bench: warnings and errors as JSON lines on stdout, as `createLogger` would write them,
 * except the read-your-writes warnings, which are counted (an overloaded step logs hundreds).
 */
export function benchLogger(): { logger: Logger; rywWarnings: () => number } {
  let count = 0;
  const destination = {
    write(line: string) {
      let msg: unknown;
      try {
        msg = (JSON.parse(line) as { msg?: unknown }).msg;
      } catch {}
      if (msg === RYW_WARNING) count++;
      else process.stdout.write(line);
    },
  };
  const logger = pino(
    { level: 'warn', redact: ['req.headers.cookie', 'req.headers.authorization'] },
    destination,
  );
  return { logger, rywWarnings: () => count };
}

function shuffled<T>(items: T[], r: ReturnType<typeof seededRandom>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Members who attended completed sessions they have not reviewed come first, so that reviews have authors. */
async function signIn(pool: Pool, community: Community, count: number): Promise<MixMember[]> {
  const r = seededRandom(151);
  const unreviewed = new Map<string, string[]>();
  for (const s of community.completed)
    for (const m of s.unreviewedBy) unreviewed.set(m, [...(unreviewed.get(m) ?? []), s.id]);
  const reviewers = shuffled([...unreviewed.keys()], r);
  const others = shuffled(
    community.members.filter((m) => !unreviewed.has(m)),
    r,
  );
  const chosen = [...reviewers, ...others].slice(0, count);
  const members: MixMember[] = [];
  for (let i = 0; i < chosen.length; i += 8) {
    const batch = chosen.slice(i, i + 8);
    const tokens = await Promise.all(batch.map((id) => openSession(pool, id, 'skillswap-bench member mix')));
    for (const [k, id] of batch.entries()) {
      members.push({ id, cookie: `${SESSION_COOKIE}=${tokens[k]}`, unreviewed: unreviewed.get(id) ?? [] });
    }
  }
  return members;
}

/**
 * The projection lag during a step: every 100 ms the log's head (one indexed query on the bench's own pool), and
 * the time until every read-model projector's checkpoint (the runner's in-memory record, as lag.ts reads it) has
 * passed it. The head's newest event committed within the 100 ms before, so each sample is within 100 ms of that
 * event's lag.
 */
function watchLag(platform: Platform, pool: Pool, store: EventStore) {
  const names = platform.consumers.filter((c) => c.kind === 'read-model').map((c) => c.name);
  const pending: { target: Checkpoint; at: number }[] = [];
  const lags: number[] = [];
  let lastHead = -1;
  let busy = false;
  let active = true;
  const observe = async () => {
    if (busy || !active || pending.length === 0) return;
    busy = true;
    try {
      const cps = [...(await platform.runner.checkpoints(names)).values()];
      if (cps.length !== names.length) return;
      const slowest = cps.reduce((a, b) => (isAtOrPast(b, a) ? a : b));
      const now = performance.now();
      while (pending.length > 0 && isAtOrPast(slowest, pending[0]!.target))
        lags.push(now - pending.shift()!.at);
    } finally {
      busy = false;
    }
  };
  const sample = setInterval(() => {
    store.head(pool).then(
      (h) => {
        if (h.position === lastHead) return;
        lastHead = h.position;
        pending.push({ target: h.checkpoint, at: performance.now() });
      },
      () => {},
    );
  }, 100);
  const watch = () => void observe().catch(() => {});
  const poll = setInterval(watch, 10);
  const progress = platform.runner.onProgress(watch);
  return async () => {
    clearInterval(sample);
    const deadline = performance.now() + 30_000;
    while (pending.length > 0 && performance.now() < deadline) await sleep(10);
    clearInterval(poll);
    progress.off('progress', watch);
    active = false;
    // Still not visible after 30 s: counted with the time waited so far (a floor, not a value).
    for (const p of pending) lags.push(performance.now() - p.at);
    return { p50: percentile(lags, 50), p99: percentile(lags, 99), max: percentile(lags, 100) };
  };
}

export async function benchMix(
  platform: Platform,
  community: Community,
  bench: { pool: Pool; store: EventStore; url: string; rywWarnings: () => number },
  options: { rates: number[]; seconds: number; members: number; pages: boolean; drainSeconds: number },
  log: (msg: string) => void,
): Promise<Omit<MixResult, 'trivialRate'>> {
  const members = await signIn(bench.pool, community, options.members);
  // The sign-in must hold, or every page would be measured signed out (and every write refused).
  const me = await fetch(`${bench.url}/api/me`, { headers: { cookie: members[0]!.cookie } });
  if (me.status !== 200)
    throw new Error(`member mix: a signed-in member's GET /api/me answered ${me.status}`);
  const connections = Math.min(100, members.length);
  log(
    `  ${members.length} members signed in (${members.filter((m) => m.unreviewed.length).length} with sessions to review), ${connections} connections`,
  );
  const child = fork(new URL('./mix-load.ts', import.meta.url).pathname, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited: Error | null = null;
  const waiting: { resolve: (m: FromLoad) => void; reject: (err: Error) => void }[] = [];
  child.on('message', (m: FromLoad) => waiting.shift()?.resolve(m));
  child.on('exit', (code) => {
    exited = new Error(`the member mix's load generator exited (code ${code})`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const ask = (m: ToLoad) =>
    new Promise<FromLoad>((resolve, reject) => {
      if (exited) return reject(exited);
      waiting.push({ resolve, reject });
      child.send(m);
    });
  const sessions = [
    ...community.upcoming.map((s) => s.id),
    ...community.completed.slice(-2000).map((s) => s.id),
  ];
  const profiles = [...community.mentors.slice(0, 1000), ...community.members.slice(0, 1000)];
  try {
    await ask({
      type: 'setup',
      setup: {
        url: bench.url,
        connections,
        members,
        upcoming: community.upcoming.map((s) => ({ id: s.id, hostId: s.hostId })),
        sessions,
        profiles,
        skills: community.skills,
        pages: options.pages,
        reviewsPerDay: platform.config.limits.reviewsPerDay,
        slowWriteMs: platform.config.readYourWritesTimeoutMs,
        drainMs: options.drainSeconds * 1000,
      },
    });
    const consumers = platform.consumers.map((c) => c.name);
    const quiet = async () =>
      platform.runner.waitFor((await platform.store.head()).checkpoint, {
        names: consumers,
        timeoutMs: 60_000,
      });
    const run = async (rate: number, seconds: number, seed: number) => {
      const m = await ask({ type: 'step', rate, seconds, seed });
      if (m.type !== 'result') throw new Error('the load generator answered a step with no result');
      return m.figures;
    };
    // Warm-up, not counted: the JIT, the sockets, the statements' plans, as for every HTTP run.
    await run(Math.max(20, options.rates[0]!), 1, 99);
    const steps: MixStep[] = [];
    for (const [i, rate] of options.rates.entries()) {
      await quiet(); // each step starts with the projectors and reactors caught up
      const before = bench.rywWarnings();
      const lag = watchLag(platform, bench.pool, bench.store);
      const f = await run(rate, options.seconds, 1000 + i);
      const l = await lag();
      const overloaded = f.achievedRate < 0.9 * rate || f.unanswered > 0;
      const step: MixStep = {
        ...f,
        rywTimeouts: bench.rywWarnings() - before,
        lagP50: l.p50,
        lagP99: l.p99,
        lagMax: l.max,
        overloaded,
        held: false,
      };
      step.held =
        !overloaded && f.p99 < 100 && f.errors === 0 && step.rywTimeouts === 0 && f.slowWrites === 0;
      steps.push(step);
      log(describe(step));
      for (const e of f.errorSamples) log(`    error: ${e}`);
      // Past saturation a higher rate only makes the queue longer.
      if (overloaded) break;
    }
    return { members: members.length, connections, seconds: options.seconds, pages: options.pages, steps };
  } finally {
    if (!exited) child.send({ type: 'stop' } satisfies ToLoad);
  }
}

const ms = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)}` : '–');

function describe(s: MixStep): string {
  const kinds = s.kinds.map((k) => `${k.kind} ${ms(k.p99)}`).join(', ');
  return (
    `  ${String(Math.round(s.offered)).padStart(5)} ops/s offered, ${Math.round(s.achievedRate)} achieved: ` +
    `p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms (p99 ${kinds}); lag p99 ${ms(s.lagP99)} ms; ` +
    `${s.refused} refused as expected, ${s.errors} errors, ${s.unanswered} unanswered, ` +
    `${s.rywTimeouts} read-your-writes timeouts` +
    `${s.slowWrites ? ` (${s.slowWrites} writes ≥ timeout)` : ''}${s.held ? '' : s.overloaded ? ' — overloaded' : ' — not held'}`
  );
}
