// A believable SkillSwap community as a stream of appends, in the order things happen: members sign up (with an
// email claim) and fill in their profiles; mentors host sessions over a year and two months ahead; students register
// (waitlists for full ones, some cancel, waiters get promoted); past sessions get their reminders and are completed
// or cancelled; about half the attendees review; hosts reply to some; the gamification reactor's points, ratings
// and badges follow; along the way members edit profiles, read notifications and now and then report content.
// Proportions per 1M events: ~40k members (15% mentors), ~30k sessions, ~200k registrations, ~60k reviews.
import type { EventMetadata, NewEvent } from '../../infra/event-store/index.ts';
import { reviewIdFor } from '../../modules/feedback/index.ts';
import { POINTS } from '../../modules/gamification/index.ts';
import { type Random, seededRandom } from './stats.ts';
import { BIO, COMMENTS, FIRST, LAST, SKILLS, TITLES, TOPICS, ZONES } from './words.ts';

/** One append: `key` routes it to a writer, so that a stream (and a session's reviews) always go to the same one. */
export type PlannedAppend = { stream: string; key: string; events: NewEvent[]; metadata: EventMetadata };

export type UpcomingSession = {
  id: string;
  hostId: string;
  skill: string;
  registered: number;
  capacity: number;
};

/** What the later benchmarks need to know about the generated community (ids to query, sessions to register for). */
export type Community = {
  members: string[];
  mentors: string[];
  upcoming: UpcomingSession[];
  skills: string[];
  events: number;
};

type Member = { id: string; name: string; tz: string; teach: string[]; hosted: number; reviews: number };

const DAY = 86_400_000;
const HASH_LIKE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const difficulties = ['beginner', 'beginner', 'intermediate', 'intermediate', 'advanced'] as const;

function fakeArgon2(r: Random) {
  const s = (n: number) => Array.from({ length: n }, () => r.pick(HASH_LIKE.split(''))).join('');
  return `$argon2id$v=19$m=19456,t=2,p=1$${s(22)}$${s(43)}`;
}

function sentence(r: Random, words: readonly string[], min: number, max: number) {
  const parts: string[] = [];
  while (parts.join(' ').length < min + r.int(max - min)) parts.push(r.pick(words));
  return parts.join(' ');
}

/**
 * Calls `emit` for every append, in log order, until about `targetEvents` events. `emit` may return a promise
 * (the writers apply backpressure there). `now` anchors "past" and "upcoming".
 */
export async function planCommunity(
  targetEvents: number,
  now: Date,
  emit: (a: PlannedAppend) => void | Promise<void>,
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

  // Members: the email claim and the account, then the profile they fill in right after signing up.
  const memberCount = Math.max(60, Math.round(targetEvents * 0.04));
  const members: Member[] = [];
  for (let i = 0; i < memberCount; i++) {
    const id = r.uuid();
    const name = `${r.pick(FIRST)} ${r.pick(LAST)}`;
    const mentor = i % 20 < 3; // 15%
    const teach = mentor ? [...new Set(Array.from({ length: 1 + r.int(3) }, () => r.skewed(SKILLS)))] : [];
    const learn = [...new Set(Array.from({ length: 1 + r.int(3) }, () => r.skewed(SKILLS)))];
    const m: Member = { id, name, tz: r.pick(ZONES), teach, hosted: 0, reviews: 0 };
    members.push(m);
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${i}@example.test`;
    const emailHash = Array.from({ length: 64 }, () => r.int(16).toString(16)).join('');
    await out({
      stream: `email-${emailHash}`,
      key: id,
      events: [{ type: 'EmailClaimed', data: { memberId: id } }],
      metadata: meta(null),
    });
    await out({
      stream: `member-${id}`,
      key: id,
      metadata: meta(id),
      events: [
        {
          type: 'MemberSignedUp',
          data: { memberId: id, email, displayName: name, passwordHash: fakeArgon2(r), timezone: m.tz },
        },
        {
          type: 'ProfileUpdated',
          data: { memberId: id, bio: sentence(r, BIO, 40, 280), skillsToTeach: teach, skillsToLearn: learn },
        },
      ],
    });
  }
  await barrier();
  const mentors = members.filter((m) => m.teach.length > 0);
  const byId = new Map(members.map((m) => [m.id, m]));

  // The gamification reactor's output, appended a few facts at a time per member as the reactor lags behind.
  const rewards = new Map<string, NewEvent[]>();
  let pending = 0;
  const award = async (memberId: string, ...evs: NewEvent[]) => {
    const list = rewards.get(memberId) ?? [];
    list.push(...evs);
    pending += evs.length;
    rewards.set(memberId, list);
    if (list.length >= 8) await flushRewards(memberId);
  };
  const flushRewards = async (memberId: string) => {
    const list = rewards.get(memberId);
    rewards.delete(memberId);
    pending -= list?.length ?? 0;
    if (list?.length) {
      await out({
        stream: `rewards-${memberId}`,
        key: memberId,
        events: list,
        metadata: { actorId: null, reactor: 'gamification' },
      });
    }
  };

  const upcoming: UpcomingSession[] = [];
  const sessionsPlanned = Math.max(20, Math.round((targetEvents - events) / 27));
  const from = now.getTime() - 365 * DAY;
  const span = 425 * DAY;
  for (let k = 0; events + pending < targetEvents; k++) {
    const host = r.skewed(mentors);
    const skill = r.pick(host.teach);
    const startsAt = new Date(from + Math.min(1, k / sessionsPlanned) * span + r.int(DAY));
    startsAt.setUTCMinutes(r.pick([0, 30]), 0, 0);
    const past = startsAt.getTime() < now.getTime();
    const sessionId = r.uuid();
    const capacity = r.pick([4, 6, 8, 8, 10, 12, 15, 20]);
    const title = `${r.pick(TITLES)} ${skill}: ${r.pick(TOPICS)}`;
    const evs: NewEvent[] = [
      {
        type: 'SessionScheduled',
        data: {
          sessionId,
          hostId: host.id,
          title,
          skill,
          description: sentence(r, BIO, 120, 400),
          difficulty: r.pick(difficulties),
          prerequisites: r.chance(0.3) ? [`Basic ${skill}`] : [],
          meetingUrl: `https://meet.example.test/${sessionId.slice(0, 8)}`,
          capacity,
          startsAt: startsAt.toISOString(),
          durationMinutes: r.pick([45, 60, 60, 90, 120]),
          timezone: host.tz,
          seriesId: null,
          clonedFrom: null,
        },
      },
    ];
    if (r.chance(0.05))
      evs.push({
        type: 'SessionDetailsChanged',
        data: { sessionId, description: sentence(r, BIO, 80, 300) },
      });
    // Demand: from a handful to well over capacity; the over-demand waits in line.
    const demand = Math.max(1, Math.round(capacity * (0.3 + r.next() * 1.1)));
    const registered: string[] = [];
    const waiting: string[] = [];
    const seen = new Set([host.id]);
    for (let i = 0; i < demand; i++) {
      const student = r.pick(members);
      if (seen.has(student.id)) continue;
      seen.add(student.id);
      if (registered.length < capacity) {
        registered.push(student.id);
        evs.push({ type: 'MemberRegistered', data: { sessionId, memberId: student.id } });
      } else {
        waiting.push(student.id);
        evs.push({
          type: 'MemberWaitlisted',
          data: { sessionId, memberId: student.id, position: waiting.length },
        });
      }
    }
    for (const memberId of [...registered]) {
      if (!r.chance(0.08)) continue;
      registered.splice(registered.indexOf(memberId), 1);
      evs.push({ type: 'RegistrationCancelled', data: { sessionId, memberId, wasWaitlisted: false } });
      const next = waiting.shift();
      if (next) {
        registered.push(next);
        evs.push({ type: 'WaitlistPromoted', data: { sessionId, memberId: next } });
      }
    }
    const cancelled = r.chance(0.04);
    let attendees: string[] = [];
    if (cancelled) {
      evs.push({
        type: 'SessionCancelled',
        data: { sessionId, reason: 'Something came up, sorry!', cancelledBy: host.id, byModerator: false },
      });
    } else if (past) {
      for (const kind of ['24h', '1h'] as const)
        evs.push({ type: 'ReminderDue', data: { sessionId, kind, startsAt: startsAt.toISOString() } });
      if (r.chance(0.95)) {
        attendees = registered.filter(() => r.chance(0.85));
        const d = evs[0]!.data as { durationMinutes: number };
        evs.push({
          type: 'SessionCompleted',
          data: {
            sessionId,
            hostId: host.id,
            skill,
            attendeeIds: attendees,
            startsAt: startsAt.toISOString(),
            durationMinutes: d.durationMinutes,
          },
        });
      }
    } else {
      upcoming.push({ id: sessionId, hostId: host.id, skill, registered: registered.length, capacity });
    }
    await out({ stream: `session-${sessionId}`, key: sessionId, events: evs, metadata: meta(host.id) });

    if (attendees.length > 0) {
      host.hosted++;
      await award(host.id, {
        type: 'PointsAwarded',
        data: {
          memberId: host.id,
          points: POINTS.hostedBase + POINTS.hostedPerAttendee * attendees.length,
          reason: 'hosted',
          ref: sessionId,
          skill,
          students: attendees,
        },
      });
      if (host.hosted === 1 || host.hosted === 10 || host.hosted === 50) {
        const badge = host.hosted === 1 ? 'first-session-hosted' : `sessions-${host.hosted}`;
        await award(host.id, { type: 'BadgeAwarded', data: { memberId: host.id, badge } });
      }
      const week = Math.floor((Math.floor(startsAt.getTime() / DAY) + 3) / 7);
      for (const a of attendees) {
        await award(a, {
          type: 'PointsAwarded',
          data: { memberId: a, points: POINTS.attended, reason: 'attended', ref: sessionId, skill, week },
        });
      }
    }
    for (const authorId of attendees) {
      if (!r.chance(0.45)) continue;
      const reviewId = reviewIdFor(sessionId, authorId);
      const rating = r.pick([5, 5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1]);
      const rev: NewEvent[] = [
        {
          type: 'ReviewSubmitted',
          data: { reviewId, sessionId, hostId: host.id, authorId, skill, rating, comment: r.pick(COMMENTS) },
        },
      ];
      if (r.chance(0.15))
        rev.push({
          type: 'HostReplied',
          data: { reviewId, hostId: host.id, reply: 'Thank you for coming!' },
        });
      await out({ stream: `review-${reviewId}`, key: sessionId, events: rev, metadata: meta(authorId) });
      const author = byId.get(authorId);
      await award(authorId, {
        type: 'PointsAwarded',
        data: { memberId: authorId, points: POINTS.reviewed, reason: 'reviewed', ref: reviewId, skill },
      });
      if (author && ++author.reviews === 1)
        await award(authorId, { type: 'BadgeAwarded', data: { memberId: authorId, badge: 'first-review' } });
      await award(
        host.id,
        { type: 'RatingTallied', data: { memberId: host.id, reviewId, rating } },
        {
          type: 'PointsAwarded',
          data: {
            memberId: host.id,
            points: rating === 5 ? POINTS.ratedFive : rating === 4 ? POINTS.ratedFour : 0,
            reason: 'rated',
            ref: reviewId,
            skill,
          },
        },
      );
    }
    await sideActivity(r, members, sessionId, host.id, out, meta);
  }
  for (const memberId of [...rewards.keys()]) await flushRewards(memberId);
  return {
    members: members.map((m) => m.id),
    mentors: mentors.map((m) => m.id),
    upcoming,
    skills: [...new Set(mentors.flatMap((m) => m.teach))],
    events,
  };
}

/** What else happens between sessions: profile edits (some renames), notifications read, the odd report. */
async function sideActivity(
  r: Random,
  members: Member[],
  sessionId: string,
  hostId: string,
  out: (a: PlannedAppend) => Promise<void>,
  meta: (actorId: string | null) => EventMetadata,
) {
  if (r.chance(0.25)) {
    const m = r.pick(members);
    const data: Record<string, unknown> = { memberId: m.id, bio: sentence(r, BIO, 40, 280) };
    if (r.chance(0.2)) data.displayName = m.name = `${r.pick(FIRST)} ${r.pick(LAST)}`;
    await out({
      stream: `member-${m.id}`,
      key: m.id,
      events: [{ type: 'ProfileUpdated', data }],
      metadata: meta(m.id),
    });
  }
  if (r.chance(0.6)) {
    const m = r.pick(members);
    await out({
      stream: `inbox-${m.id}`,
      key: m.id,
      events: [{ type: 'NotificationsRead', data: { memberId: m.id, ids: null } }],
      metadata: meta(m.id),
    });
  }
  if (r.chance(0.01)) {
    const reporter = r.pick(members).id;
    const reportId = r.uuid();
    const target = { targetType: 'session' as const, targetId: sessionId, ownerId: hostId };
    const evs: NewEvent[] = [
      {
        type: 'ReportFiled',
        data: {
          reportId,
          reporterId: reporter,
          ...target,
          reason: 'Looks like spam',
          weight: 1,
          source: 'member',
        },
      },
      {
        type: 'ReportResolved',
        data: {
          reportId,
          reporterId: reporter,
          ...target,
          action: 'dismiss',
          note: 'Fine as it is',
          moderatorId: r.pick(members).id,
        },
      },
    ];
    await out({ stream: `report-${reportId}`, key: sessionId, events: evs, metadata: meta(reporter) });
  }
}
