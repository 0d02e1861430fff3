import { z } from 'zod';
import { defineEvent, type EventDataOf, type EventsOf } from '../../infra/event-store/index.ts';

// One stream per session, `session-<id>`: its schedule, its seats and its waitlist. Capacity is a rule inside
// one stream, so it holds under any concurrency (appends to a stream are serialised).

export const DIFFICULTIES = ['beginner', 'intermediate', 'advanced'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

const details = {
  title: z.string(),
  skill: z.string(),
  description: z.string(),
  difficulty: z.enum(DIFFICULTIES),
  prerequisites: z.array(z.string()),
  meetingUrl: z.string(),
  capacity: z.number().int(),
};

/**
 * v2 adds `swap`: a session one member of a swap hosts for the other, `partnerId` (private to the two, capacity 1,
 * the partner registered in the same append, never listed in browse). v1 sessions are group sessions (null).
 */
export const SessionScheduled = defineEvent(
  'SessionScheduled',
  2,
  z.object({
    sessionId: z.string(),
    hostId: z.string(),
    ...details,
    startsAt: z.string(),
    durationMinutes: z.number().int(),
    timezone: z.string(),
    seriesId: z.string().nullable(),
    clonedFrom: z.string().nullable(),
    swap: z.object({ swapId: z.string(), partnerId: z.string() }).nullable(),
  }),
  { 1: (v1) => ({ ...(v1 as object), swap: null }) },
);

export const SessionDetailsChanged = defineEvent(
  'SessionDetailsChanged',
  1,
  z.object({ sessionId: z.string(), ...z.object(details).partial().shape }),
);

export const SessionRescheduled = defineEvent(
  'SessionRescheduled',
  1,
  z.object({
    sessionId: z.string(),
    startsAt: z.string(),
    durationMinutes: z.number().int(),
    previousStartsAt: z.string(),
  }),
);

export const SessionCancelled = defineEvent(
  'SessionCancelled',
  1,
  z.object({ sessionId: z.string(), reason: z.string(), cancelledBy: z.string(), byModerator: z.boolean() }),
);

export const SessionCompleted = defineEvent(
  'SessionCompleted',
  1,
  z.object({
    sessionId: z.string(),
    hostId: z.string(),
    skill: z.string(),
    attendeeIds: z.array(z.string()),
    startsAt: z.string(),
    durationMinutes: z.number().int(),
  }),
);

export const MemberRegistered = defineEvent(
  'MemberRegistered',
  1,
  z.object({ sessionId: z.string(), memberId: z.string() }),
);
export const MemberWaitlisted = defineEvent(
  'MemberWaitlisted',
  1,
  z.object({ sessionId: z.string(), memberId: z.string(), position: z.number().int() }),
);
export const RegistrationCancelled = defineEvent(
  'RegistrationCancelled',
  1,
  z.object({ sessionId: z.string(), memberId: z.string(), wasWaitlisted: z.boolean() }),
);
export const WaitlistPromoted = defineEvent(
  'WaitlistPromoted',
  1,
  z.object({ sessionId: z.string(), memberId: z.string() }),
);

/**
 * Moderation hid the session (ContentHidden in its `content-session-<id>` stream), or showed it again. The session
 * keeps the fact in its own stream so that its decider can refuse what a hidden session must not allow (see
 * hiddenSessions in moderated.ts for why the fact travels as an event).
 */
export const SessionHidden = defineEvent(
  'SessionHidden',
  1,
  z.object({ sessionId: z.string(), cause: z.enum(['moderator', 'report-weight']) }),
);
export const SessionUnhidden = defineEvent('SessionUnhidden', 1, z.object({ sessionId: z.string() }));

export const REMINDERS = ['24h', '1h'] as const;
export type ReminderKind = (typeof REMINDERS)[number];
/**
 * A reminder went out, to `memberIds` (v2): the host and those registered who had not had this one for this
 * start, or one member registering after its moment. v1 named nobody: everyone in at that point (null).
 */
export const ReminderDue = defineEvent(
  'ReminderDue',
  2,
  z.object({
    sessionId: z.string(),
    kind: z.enum(REMINDERS),
    startsAt: z.string(),
    memberIds: z.array(z.string()).nullable(),
  }),
  { 1: (v1) => ({ ...(v1 as object), memberIds: null }) },
);

/**
 * The host did not complete the session by a day after its end: it was not held. Its attendees
 * (those registered then) are told, and it counts against the host's reliability.
 */
export const SessionNotHeld = defineEvent(
  'SessionNotHeld',
  1,
  z.object({
    sessionId: z.string(),
    hostId: z.string(),
    attendeeIds: z.array(z.string()),
    startsAt: z.string(),
    durationMinutes: z.number().int(),
  }),
);

/** The join window opens this many minutes before the start and closes at the end (part of the contract). */
export const JOIN_OPENS_BEFORE_MINUTES = 15;

/**
 * The host or a registered member used the join link inside the join window (from 15 minutes before the start to
 * its end): once per member and session. A host who joined held the session; a member who joined came.
 */
export const MemberJoined = defineEvent(
  'MemberJoined',
  1,
  z.object({ sessionId: z.string(), memberId: z.string(), joinedAt: z.string() }),
);

/**
 * No-shows, dated by the session's start (what the no-show policy counts): at completion, the registered members
 * who neither joined nor were marked present (`absent`); or one member leaving within LATE_LEAVE_HOURS of the
 * start (`left-late`), appended with their RegistrationCancelled. An event of its own rather than a field of
 * SessionCompleted: leaving late is a no-show too, and SessionCompleted stays as every consumer knows it.
 */
export const NoShowsRecorded = defineEvent(
  'NoShowsRecorded',
  1,
  z.object({
    sessionId: z.string(),
    memberIds: z.array(z.string()),
    startsAt: z.string(),
    cause: z.enum(['absent', 'left-late']),
  }),
);

/** A weekly or fortnightly series: each occurrence is a session of its own; the series can be cancelled at once. */
export const SeriesScheduled = defineEvent(
  'SeriesScheduled',
  1,
  z.object({
    seriesId: z.string(),
    hostId: z.string(),
    everyWeeks: z.number().int(),
    sessionIds: z.array(z.string()),
  }),
);

/** A member read notifications: these ids, or (ids null) everything up to the moment of reading. */
export const NotificationsRead = defineEvent(
  'NotificationsRead',
  1,
  z.object({ memberId: z.string(), ids: z.array(z.string()).nullable() }),
);

export const sessionEvents = [
  SessionScheduled,
  SessionDetailsChanged,
  SessionRescheduled,
  SessionCancelled,
  SessionCompleted,
  MemberRegistered,
  MemberWaitlisted,
  RegistrationCancelled,
  WaitlistPromoted,
  SessionHidden,
  SessionUnhidden,
  ReminderDue,
  SessionNotHeld,
  MemberJoined,
  NoShowsRecorded,
  SeriesScheduled,
  NotificationsRead,
];

/** Every event the sessions module publishes. */
export type SessionEvent = EventsOf<typeof sessionEvents>;
export type SessionEventData = EventDataOf<SessionEvent>;
