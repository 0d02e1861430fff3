// One session's life as events, and what happens around it: scheduled (sometimes edited), registrations with a
// waitlist when demand exceeds capacity (some cancel, waiters get promoted), for past sessions the two reminders
// and completion (or now and then a cancellation), reviews from about half the attendees (hosts reply to some),
// and the points, ratings and badges the gamification reactor awards for all that.
import type { EventMetadata, NewEvent } from '../../infra/event-store/index.ts';
import { reviewIdFor } from '../../modules/feedback/index.ts';
import { POINTS } from '../../modules/gamification/index.ts';
import { type ModerationEventData, reportWeight, type Standing } from '../../modules/moderation/index.ts';
import type { Random } from './stats.ts';
import { BIO, COMMENTS, FIRST, LAST, TITLES, TOPICS } from './words.ts';

export type PlannedAppend = { stream: string; key: string; events: NewEvent[]; metadata: EventMetadata };
export type Member = {
  id: string;
  name: string;
  tz: string;
  teach: string[];
  hosted: number;
  reviews: number;
};
export type UpcomingSession = {
  id: string;
  hostId: string;
  skill: string;
  registered: number;
  capacity: number;
};
/** A completed session and its attendees who have not reviewed it (the member mix has them review it). */
export type CompletedSession = { id: string; hostId: string; unreviewedBy: string[] };

/** A session's events by phase: a window of sessions is written phase by phase, so sessions interleave in the log. */
export type SessionPlan = {
  id: string;
  hostId: string;
  scheduled: NewEvent[];
  registrations: NewEvent[];
  ending: NewEvent[];
  reviews: PlannedAppend[];
  awards: [string, NewEvent[]][];
  upcoming: UpcomingSession | null;
  completed: CompletedSession | null;
  count: number;
};

const DAY = 86_400_000;
const difficulties = ['beginner', 'beginner', 'intermediate', 'intermediate', 'advanced'] as const;

export function sentence(r: Random, words: readonly string[], min: number, max: number) {
  const parts: string[] = [];
  const target = min + r.int(max - min);
  for (let length = 0; length < target; length += parts[parts.length - 1]!.length + 1)
    parts.push(r.pick(words));
  return parts.join(' ');
}

export function planSession(
  r: Random,
  members: Member[],
  host: Member,
  startsAt: Date,
  now: Date,
): SessionPlan {
  const meta = (actorId: string): EventMetadata => ({
    actorId,
    requestId: r.uuid(),
    correlationId: r.uuid(),
  });
  const sessionId = r.uuid();
  const skill = r.pick(host.teach);
  const capacity = r.pick([4, 6, 8, 8, 10, 12, 15, 20]);
  const durationMinutes = r.pick([45, 60, 60, 90, 120]);
  const at = startsAt.toISOString();
  const scheduled: NewEvent[] = [
    {
      type: 'SessionScheduled',
      data: {
        sessionId,
        hostId: host.id,
        title: `${r.pick(TITLES)} ${skill}: ${r.pick(TOPICS)}`,
        skill,
        capacity,
        description: sentence(r, BIO, 120, 400),
        difficulty: r.pick(difficulties),
        durationMinutes,
        startsAt: at,
        prerequisites: r.chance(0.3) ? [`Basic ${skill}`] : [],
        timezone: host.tz,
        seriesId: null,
        clonedFrom: null,
        swap: null,
        meetingUrl: `https://meet.example.test/${sessionId.slice(0, 8)}`,
      },
    },
  ];
  if (r.chance(0.05)) {
    scheduled.push({
      type: 'SessionDetailsChanged',
      data: { sessionId, description: sentence(r, BIO, 80, 300) },
    });
  }
  // Demand: from a handful to well over capacity; the over-demand waits in line.
  const registrations: NewEvent[] = [];
  const registered: string[] = [];
  const waiting: string[] = [];
  const seen = new Set([host.id]);
  const demand = Math.max(1, Math.round(capacity * (0.3 + r.next() * 1.1)));
  for (let i = 0; i < demand; i++) {
    const memberId = r.pick(members).id;
    if (seen.has(memberId)) continue;
    seen.add(memberId);
    if (registered.length < capacity) {
      registered.push(memberId);
      registrations.push({ type: 'MemberRegistered', data: { sessionId, memberId } });
    } else {
      waiting.push(memberId);
      registrations.push({
        type: 'MemberWaitlisted',
        data: { sessionId, memberId, position: waiting.length },
      });
    }
  }
  for (const memberId of [...registered]) {
    if (!r.chance(0.08)) continue;
    registered.splice(registered.indexOf(memberId), 1);
    registrations.push({
      type: 'RegistrationCancelled',
      data: { sessionId, memberId, wasWaitlisted: false },
    });
    const next = waiting.shift();
    if (next) {
      registered.push(next);
      registrations.push({ type: 'WaitlistPromoted', data: { sessionId, memberId: next } });
    }
  }
  const plan: SessionPlan = {
    id: sessionId,
    hostId: host.id,
    scheduled,
    registrations,
    ending: [],
    reviews: [],
    awards: [],
    upcoming: null,
    completed: null,
    count: 0,
  };
  const past = startsAt.getTime() < now.getTime();
  if (r.chance(0.04)) {
    const data = { sessionId, reason: 'Something came up, sorry!', cancelledBy: host.id, byModerator: false };
    plan.ending.push({ type: 'SessionCancelled', data });
  } else if (!past) {
    plan.upcoming = { id: sessionId, hostId: host.id, skill, registered: registered.length, capacity };
  } else {
    for (const kind of ['24h', '1h'] as const)
      plan.ending.push({ type: 'ReminderDue', data: { sessionId, kind, startsAt: at, memberIds: null } });
    if (r.chance(0.95)) {
      const attendees = registered.filter(() => r.chance(0.85));
      plan.ending.push({
        type: 'SessionCompleted',
        data: { sessionId, hostId: host.id, skill, attendeeIds: attendees, startsAt: at, durationMinutes },
      });
      if (attendees.length > 0) awardCompletion(plan, host, attendees, skill, startsAt);
      const byId = lookup(members);
      const unreviewedBy: string[] = [];
      for (const authorId of attendees) {
        if (r.chance(0.45)) review(r, plan, host, byId.get(authorId)!, skill, meta(authorId));
        else unreviewedBy.push(authorId);
      }
      plan.completed = { id: sessionId, hostId: host.id, unreviewedBy };
    }
  }
  const appended = [
    scheduled,
    registrations,
    plan.ending,
    ...plan.reviews.map((a) => a.events),
    ...plan.awards.map((a) => a[1]),
  ];
  plan.count = appended.reduce((n, list) => n + list.length, 0);
  return plan;
}

function awardCompletion(
  plan: SessionPlan,
  host: Member,
  attendees: string[],
  skill: string,
  startsAt: Date,
) {
  const ref = plan.id;
  const points = POINTS.hostedBase + POINTS.hostedPerAttendee * attendees.length;
  const hostAwards: NewEvent[] = [
    {
      type: 'PointsAwarded',
      data: { memberId: host.id, points, reason: 'hosted', ref, skill, students: attendees },
    },
  ];
  host.hosted++;
  if (host.hosted === 1 || host.hosted === 10 || host.hosted === 50) {
    const badge = host.hosted === 1 ? 'first-session-hosted' : `sessions-${host.hosted}`;
    hostAwards.push({ type: 'BadgeAwarded', data: { memberId: host.id, badge } });
  }
  plan.awards.push([host.id, hostAwards]);
  const week = Math.floor((Math.floor(startsAt.getTime() / DAY) + 3) / 7);
  for (const memberId of attendees) {
    const data = { memberId, points: POINTS.attended, reason: 'attended', ref, skill, week };
    plan.awards.push([memberId, [{ type: 'PointsAwarded', data }]]);
  }
}

const indexes = new WeakMap<Member[], Map<string, Member>>();
function lookup(members: Member[]) {
  const index = indexes.get(members) ?? new Map(members.map((m) => [m.id, m]));
  indexes.set(members, index);
  return index;
}

function review(
  r: Random,
  plan: SessionPlan,
  host: Member,
  author: Member,
  skill: string,
  metadata: EventMetadata,
) {
  const authorId = author.id;
  const reviewId = reviewIdFor(plan.id, authorId);
  const rating = r.pick([5, 5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1]);
  const events: NewEvent[] = [
    {
      type: 'ReviewSubmitted',
      data: {
        reviewId,
        sessionId: plan.id,
        hostId: host.id,
        authorId,
        skill,
        rating,
        comment: r.pick(COMMENTS),
        swapId: null,
      },
    },
  ];
  if (r.chance(0.15))
    events.push({ type: 'HostReplied', data: { reviewId, hostId: host.id, reply: 'Thank you for coming!' } });
  plan.reviews.push({ stream: `review-${reviewId}`, key: plan.id, events, metadata });
  const reviewed = { memberId: authorId, points: POINTS.reviewed, reason: 'reviewed', ref: reviewId, skill };
  const authorAwards: NewEvent[] = [{ type: 'PointsAwarded', data: reviewed }];
  if (++author.reviews === 1)
    authorAwards.push({ type: 'BadgeAwarded', data: { memberId: authorId, badge: 'first-review' } });
  plan.awards.push([authorId, authorAwards]);
  const points = rating === 5 ? POINTS.ratedFive : rating === 4 ? POINTS.ratedFour : 0;
  plan.awards.push([
    host.id,
    [
      { type: 'RatingTallied', data: { memberId: host.id, reviewId, rating } },
      { type: 'PointsAwarded', data: { memberId: host.id, points, reason: 'rated', ref: reviewId, skill } },
    ],
  ]);
}

/** What else happens between sessions: profile edits (some renames), notifications read, the odd report. */
export function sideActivity(r: Random, members: Member[], plan: SessionPlan): PlannedAppend[] {
  const meta = (actorId: string): EventMetadata => ({
    actorId,
    requestId: r.uuid(),
    correlationId: r.uuid(),
  });
  const out: PlannedAppend[] = [];
  if (r.chance(0.25)) {
    const m = r.pick(members);
    const data: Record<string, unknown> = { memberId: m.id, bio: sentence(r, BIO, 40, 280) };
    if (r.chance(0.2)) data.displayName = m.name = `${r.pick(FIRST)} ${r.pick(LAST)}`;
    out.push({
      stream: `member-${m.id}`,
      key: m.id,
      events: [{ type: 'ProfileUpdated', data }],
      metadata: meta(m.id),
    });
  }
  if (r.chance(0.6)) {
    const m = r.pick(members);
    const events = [{ type: 'NotificationsRead', data: { memberId: m.id, ids: null } }];
    out.push({ stream: `inbox-${m.id}`, key: m.id, events, metadata: meta(m.id) });
  }
  if (r.chance(0.01)) {
    const reporterId = r.pick(members).id;
    const reportId = r.uuid();
    const target = { targetType: 'session' as const, targetId: plan.id, ownerId: plan.hostId };
    // A member of some months with a few sessions behind them, as the edge would have gathered it.
    const standing: Standing = {
      accountAgeDays: 90,
      sessionsAttended: 3,
      sessionsHosted: 0,
      upheldReports: 0,
      dismissedReports: 0,
    };
    // Typed by the event, so that a field the event gains fails tsc here rather than the bench's append.
    const filed: ModerationEventData['ReportFiled'] = {
      reportId,
      reporterId,
      ...target,
      reason: 'Looks like spam',
      weight: reportWeight(standing),
      source: 'member',
      standing,
      category: 'spam',
    };
    const resolved = {
      reportId,
      reporterId,
      ...target,
      action: 'dismiss',
      note: 'Fine',
      moderatorId: r.pick(members).id,
    };
    const events = [
      { type: 'ReportFiled', data: filed },
      { type: 'ReportResolved', data: resolved },
    ];
    out.push({ stream: `report-${reportId}`, key: plan.id, events, metadata: meta(reporterId) });
  }
  return out;
}
