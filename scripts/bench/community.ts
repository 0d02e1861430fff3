// A believable SkillSwap community as a stream of appends, in the order things happen: members sign up (with an
// email claim) and fill in their profiles; then mentors host sessions over a year and two months ahead, each
// with its registrations, reminders, completion, reviews and rewards (session-plan.ts), while members edit
// profiles, read notifications and now and then report something. Sessions are written in windows of 100,
// phase by phase (schedules, then registrations, then endings, reviews, rewards), so the log interleaves sessions
// as a live one does instead of holding each session's whole life in one place.
// Proportions per 1M events: ~40k members (15% mentors), ~30k sessions, ~230k registrations, ~60k reviews.
import type { EventMetadata, NewEvent } from '../../infra/event-store/index.ts';
import {
  type CompletedSession,
  type Member,
  type PlannedAppend,
  planSession,
  type SessionPlan,
  sentence,
  sideActivity,
  type UpcomingSession,
} from './session-plan.ts';
import { type Random, seededRandom } from './stats.ts';
import { BIO, FIRST, LAST, SKILLS, ZONES } from './words.ts';

export type { CompletedSession, PlannedAppend, UpcomingSession };

/** What the later benchmarks need to know about the generated community (ids to query, sessions to register for). */
export type Community = {
  members: string[];
  mentors: string[];
  upcoming: UpcomingSession[];
  completed: CompletedSession[];
  skills: string[];
  events: number;
};

const DAY = 86_400_000;
const WINDOW = 100;
const HASH_LIKE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');

function fakeArgon2(r: Random) {
  const s = (n: number) => Array.from({ length: n }, () => r.pick(HASH_LIKE)).join('');
  return `$argon2id$v=19$m=19456,t=2,p=1$${s(22)}$${s(43)}`;
}

/**
 * Calls `emit` for every append, in log order, until about `targetEvents` events; `barrier` waits until all of
 * them are written (members before sessions). `now` anchors "past" and "upcoming".
 */
export async function planCommunity(
  targetEvents: number,
  now: Date,
  emit: (a: PlannedAppend) => Promise<void>,
  barrier: () => Promise<void>,
): Promise<Community> {
  const r = seededRandom(20261125);
  let events = 0;
  const out = async (a: PlannedAppend) => {
    events += a.events.length;
    await emit(a);
  };
  const meta = (actorId: string | null): EventMetadata => ({
    actorId,
    requestId: r.uuid(),
    correlationId: r.uuid(),
  });

  const memberCount = Math.max(60, Math.round(targetEvents * 0.04));
  const members: Member[] = [];
  for (let i = 0; i < memberCount; i++) {
    const id = r.uuid();
    const name = `${r.pick(FIRST)} ${r.pick(LAST)}`;
    const teach =
      i % 20 < 3 ? [...new Set(Array.from({ length: 1 + r.int(3) }, () => r.skewed(SKILLS)))] : [];
    const learn = [...new Set(Array.from({ length: 1 + r.int(3) }, () => r.skewed(SKILLS)))];
    const m: Member = { id, name, tz: r.pick(ZONES), teach, hosted: 0, reviews: 0 };
    members.push(m);
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${i}@example.test`;
    const emailHash = Array.from({ length: 64 }, () => r.int(16).toString(16)).join('');
    const claim: NewEvent = { type: 'EmailClaimed', data: { memberId: id } };
    await out({ stream: `email-hmac-${emailHash}`, key: id, events: [claim], metadata: meta(null) });
    const signup = { memberId: id, email, displayName: name, passwordHash: fakeArgon2(r), timezone: m.tz };
    const profile = {
      memberId: id,
      bio: sentence(r, BIO, 40, 280),
      skillsToTeach: teach,
      skillsToLearn: learn,
    };
    await out({
      stream: `member-${id}`,
      key: id,
      metadata: meta(id),
      events: [
        { type: 'MemberSignedUp', data: signup },
        { type: 'ProfileUpdated', data: profile },
      ],
    });
  }
  await barrier();
  const mentors = members.filter((m) => m.teach.length > 0);

  // The gamification reactor's output, appended a few facts at a time per member as the reactor lags behind.
  const rewards = new Map<string, NewEvent[]>();
  const award = async (memberId: string, list: NewEvent[]) => {
    const all = [...(rewards.get(memberId) ?? []), ...list];
    rewards.set(memberId, all);
    if (all.length >= 8) await flushRewards(memberId);
  };
  const flushRewards = async (memberId: string) => {
    const list = rewards.get(memberId) ?? [];
    rewards.delete(memberId);
    const metadata = { actorId: null, reactor: 'gamification' };
    if (list.length > 0) await out({ stream: `rewards-${memberId}`, key: memberId, events: list, metadata });
  };

  const upcoming: UpcomingSession[] = [];
  const completed: CompletedSession[] = [];
  // Sessions run from a year ago to two months ahead; time advances with the share of the log planned so far.
  const from = now.getTime() - 365 * DAY;
  const span = 425 * DAY;
  const startEvents = events;
  let planned = events;
  while (planned < targetEvents) {
    const window: { plan: SessionPlan; side: PlannedAppend[] }[] = [];
    for (let k = 0; k < WINDOW && planned < targetEvents; k++) {
      const startsAt = new Date(
        from + ((planned - startEvents) / (targetEvents - startEvents)) * span + r.int(DAY),
      );
      startsAt.setUTCMinutes(r.pick([0, 30]), 0, 0);
      const plan = planSession(r, members, r.skewed(mentors), startsAt, now);
      const side = sideActivity(r, members, plan);
      planned += plan.count + side.reduce((n, a) => n + a.events.length, 0);
      if (plan.upcoming) upcoming.push(plan.upcoming);
      if (plan.completed) completed.push(plan.completed);
      window.push({ plan, side });
    }
    const session = (plan: SessionPlan, list: NewEvent[]) =>
      list.length > 0
        ? out({ stream: `session-${plan.id}`, key: plan.id, events: list, metadata: meta(plan.hostId) })
        : null;
    for (const { plan } of window) await session(plan, plan.scheduled);
    for (const { plan, side } of window) {
      await session(plan, plan.registrations);
      for (const a of side) await out(a);
    }
    for (const { plan } of window) await session(plan, plan.ending);
    for (const { plan } of window) for (const a of plan.reviews) await out(a);
    for (const { plan } of window) for (const [memberId, list] of plan.awards) await award(memberId, list);
  }
  for (const memberId of [...rewards.keys()]) await flushRewards(memberId);
  return {
    members: members.map((m) => m.id),
    mentors: mentors.map((m) => m.id),
    upcoming,
    completed,
    skills: [...new Set(mentors.flatMap((m) => m.teach))],
    events,
  };
}
