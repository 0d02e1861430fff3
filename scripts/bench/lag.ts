// Projection lag: with the whole app running (its projection runner, reactors included), events are appended at a
// fixed rate and we time, for each, from its append's commit to the moment every read-model projector's checkpoint
// has passed it: the checkpoint commits with the read-model rows, so that is when a reader sees the effect (and
// when a command's read-your-writes wait would return). Checkpoints are taken from the runner (what it committed,
// in memory) right after each batch a projector commits in this process (its progress event), and every 10 ms.
import { type Checkpoint, isAtOrPast, type NewEvent } from '../../infra/event-store/index.ts';
import type { Platform } from '../../infra/platform.ts';
import type { Community } from './community.ts';
import { percentile, seededRandom, sleep } from './stats.ts';

export type LagFigures = {
  rate: number;
  achievedRate: number;
  p50: number;
  p99: number;
  max: number;
  appendP99: number;
};

type Pending = { target: Checkpoint; committedAt: number };

/** Live traffic as the app sees it: mostly registrations, some profile edits, inbox reads, points, new sessions. */
function liveTraffic(community: Community, seed: number) {
  const r = seededRandom(seed);
  const registered: { sessionId: string; memberId: string }[] = [];
  return (): { stream: string; event: NewEvent } => {
    const roll = r.next();
    const memberId = r.pick(community.members);
    if (roll < 0.55 || (roll < 0.65 && registered.length === 0)) {
      const s = r.pick(community.upcoming);
      registered.push({ sessionId: s.id, memberId });
      return {
        stream: `session-${s.id}`,
        event: { type: 'MemberRegistered', data: { sessionId: s.id, memberId } },
      };
    }
    if (roll < 0.65) {
      const { sessionId, memberId: m } = registered.splice(r.int(registered.length), 1)[0]!;
      const event = { type: 'RegistrationCancelled', data: { sessionId, memberId: m, wasWaitlisted: false } };
      return { stream: `session-${sessionId}`, event };
    }
    if (roll < 0.75) {
      return {
        stream: `inbox-${memberId}`,
        event: { type: 'NotificationsRead', data: { memberId, ids: null } },
      };
    }
    if (roll < 0.85) {
      const event = {
        type: 'ProfileUpdated',
        data: { memberId, bio: `Bio rewritten at ${new Date().toISOString()}` },
      };
      return { stream: `member-${memberId}`, event };
    }
    if (roll < 0.95) {
      const data = {
        memberId,
        points: 5,
        reason: 'attended',
        ref: r.uuid(),
        skill: r.pick(community.skills),
        week: 2900,
      };
      return { stream: `rewards-${memberId}`, event: { type: 'PointsAwarded', data } };
    }
    const host = r.pick(community.mentors);
    const sessionId = r.uuid();
    const data = {
      sessionId,
      hostId: host,
      title: `Live session ${sessionId.slice(0, 6)}`,
      skill: r.pick(community.skills),
      description: 'Added while the benchmark ran.',
      difficulty: 'beginner',
      prerequisites: [],
      capacity: 10,
      meetingUrl: 'https://meet.example.test/live',
      startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      durationMinutes: 60,
      timezone: 'UTC',
      seriesId: null,
      clonedFrom: null,
      swap: null,
    };
    return { stream: `session-${sessionId}`, event: { type: 'SessionScheduled', data } };
  };
}

export async function benchLag(
  platform: Platform,
  community: Community,
  options: { rate: number; seconds: number; run: number },
): Promise<LagFigures> {
  const names = platform.consumers.filter((c) => c.kind === 'read-model').map((c) => c.name);
  const next = liveTraffic(community, 1000 + options.run);
  const pending: Pending[] = [];
  const lags: number[] = [];
  const appendTimes: number[] = [];
  let observing = false;
  let again = false;
  let active = true;
  const observe = async () => {
    if (!active) return;
    if (observing) {
      again = true;
      return;
    }
    observing = true;
    do {
      again = false;
      const now = performance.now();
      // The runner's own record of what its projectors committed (no query: the harness must not load the
      // process it measures); the slowest projector decides what a reader of every read model sees.
      const cps = [...(await platform.runner.checkpoints(names)).values()];
      if (cps.length !== names.length) continue;
      const slowest = cps.reduce((a, b) => (isAtOrPast(b, a) ? a : b));
      const still = pending.filter((p) => {
        if (!isAtOrPast(slowest, p.target)) return true;
        lags.push(now - p.committedAt);
        return false;
      });
      pending.splice(0, pending.length, ...still);
    } while (again);
    observing = false;
  };
  const watch = () =>
    observe().catch((err) => {
      observing = false;
      failure ??= err as Error;
    });
  let failure: Error | undefined;
  platform.runner.onProgress(() => void watch());
  const poll = setInterval(() => void watch(), 10);
  try {
    return await paced(platform, next, options, pending, appendTimes, lags);
  } finally {
    clearInterval(poll);
    active = false; // the runner keeps its progress listeners: this run's stops observing
    if (failure) console.error('lag: reading checkpoints failed:', failure);
  }
}

async function paced(
  platform: Platform,
  next: ReturnType<typeof liveTraffic>,
  options: { rate: number; seconds: number },
  pending: Pending[],
  appendTimes: number[],
  lags: number[],
): Promise<LagFigures> {
  const total = Math.round(options.rate * options.seconds);
  const started = performance.now();
  const appends: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    // Paced against the clock, not the previous append: a slow append does not slow the offered load.
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const { stream, event } = next();
    const issued = performance.now();
    appends.push(
      platform.store
        .append(stream, 'any', [event], { metadata: { actorId: null, via: 'bench' } })
        .then((r) => {
          const committedAt = performance.now();
          appendTimes.push(committedAt - issued);
          pending.push({ target: r.checkpoint, committedAt });
        }),
    );
  }
  await Promise.all(appends);
  const achievedRate = total / ((performance.now() - started) / 1000);
  const deadline = performance.now() + 30_000;
  while (pending.length > 0 && performance.now() < deadline) await sleep(5);
  // Anything still invisible after 30 s counts with the time it has waited so far (a floor, not a value).
  for (const p of pending) lags.push(performance.now() - p.committedAt);
  return {
    rate: options.rate,
    achievedRate,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: percentile(lags, 100),
    appendP99: percentile(appendTimes, 99),
  };
}
