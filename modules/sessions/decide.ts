import type { Rejection } from '../../infra/event-store/index.ts';
import { absentAtCompletion, barredRegistration, join, lateLeave, type NoShowRecord } from './attendance.ts';
import type { ReminderKind, SessionEvent } from './events.ts';
import type { Session, SessionDetails } from './session.ts';
import { endOf, memberReminderKey, reminderKey } from './session.ts';

type Scheduled = Extract<Session, { id: string }>;
type Actor = { memberId: string; isModerator: boolean };

export type SessionCommand =
  | {
      type: 'Schedule';
      data: {
        sessionId: string;
        hostId: string;
        details: SessionDetails;
        seriesId: string | null;
        clonedFrom: string | null;
        /** A swap's session: for `partnerId` only, who is registered in the same append; capacity 1. */
        swap?: { swapId: string; partnerId: string } | null | undefined;
      };
      now: Date;
    }
  | { type: 'Edit'; data: { actor: Actor; changes: Partial<SessionDetails> }; now: Date }
  /** A new session (`sessionId`, its own stream) with this one's details and another start; decided on the source. */
  | { type: 'Clone'; data: { actor: Actor; sessionId: string; startsAt: string }; now: Date }
  | { type: 'Cancel'; data: { actor: Actor; reason: string } }
  | { type: 'Complete'; data: { actor: Actor; attendeeIds?: string[] | undefined }; now: Date }
  /**
   * `noShows`: the member's no-show dates and the policy, which the edge always gathers; a command made without it
   * (test set-ups, the demo seed) is decided as for a member with none.
   */
  | { type: 'Register'; data: { memberId: string; noShows?: NoShowRecord | undefined }; now: Date }
  /** `lateLeaveHours`: how close to the start leaving is a no-show; null when the leave is not the member's choice. */
  | { type: 'Unregister'; data: { memberId: string; lateLeaveHours: number | null }; now: Date }
  /** The join link: the host or a registered member, inside the join window. */
  | { type: 'Join'; data: { memberId: string }; now: Date }
  | { type: 'SendReminder'; data: { kind: ReminderKind; startsAt: string }; now: Date }
  /** A day after the end (a job): record the session as not held unless the host held it. */
  | { type: 'RecordNotHeld'; now: Date }
  /** Moderation hid the session or showed it again (its ContentHidden / ContentRestored). */
  | { type: 'RecordVisibility'; data: { hidden: boolean; cause: 'moderator' | 'report-weight' } };

const reject = (reason: Rejection['reason'], message: string, details?: Rejection['details']): Rejection => ({
  reason,
  message,
  ...(details ? { details } : {}),
});

const HOUR = 3600_000;
/** How long after its end a host may still complete (or have joined) a session before it counts as not held. */
export const NOT_HELD_AFTER_MS = 24 * HOUR;
const hasStarted = (s: Scheduled, now: Date) => now.getTime() >= Date.parse(s.startsAt);
const hasEnded = (s: Scheduled, now: Date) => now.getTime() >= endOf(s);
const statusWords = (s: Scheduled) => (s.status === 'not_held' ? 'not held' : s.status);

/**
 * The 1-hour reminder for members who take a seat after its moment (and before the start): they get it at once,
 * each once per start time, so the job's reminder and this one never both reach a member.
 */
function lateReminders(s: Scheduled, memberIds: string[], now: Date): SessionEvent[] {
  const start = Date.parse(s.startsAt);
  if (s.hidden || now.getTime() < start - HOUR || now.getTime() >= start) return [];
  const due = memberIds.filter((m) => !s.remindersSent.includes(memberReminderKey('1h', s.startsAt, m)));
  return due.length === 0
    ? []
    : [{ type: 'ReminderDue', data: { sessionId: s.id, kind: '1h', startsAt: s.startsAt, memberIds: due } }];
}

const HIDDEN = 'A moderator hid this session; it cannot be edited or copied.';
const PRIVATE = 'This session is private to a swap between two members.';
const notInFuture = (startsAt: string, now: Date) =>
  Date.parse(startsAt) <= now.getTime()
    ? reject('validation_failed', 'startsAt: must be in the future', [
        { path: 'startsAt', message: 'must be in the future' },
      ])
    : null;

function clone(s: Scheduled, cmd: Extract<SessionCommand, { type: 'Clone' }>): SessionEvent[] | Rejection {
  const { actor, sessionId, startsAt } = cmd.data;
  if (actor.memberId !== s.hostId) return reject('forbidden', 'Only the host can clone this session.');
  // A copy of hidden content would be that content, visible again under a new id.
  if (s.hidden) return reject('conflict', HIDDEN);
  // A copy would show a conversation between two members to everyone; a swap session is scheduled from the swap.
  if (s.swap) return reject('conflict', `${PRIVATE} It cannot be copied.`);
  const invalid = notInFuture(startsAt, cmd.now);
  if (invalid) return invalid;
  const { hostId, title, skill, description, difficulty, prerequisites, meetingUrl, capacity } = s;
  const { durationMinutes, timezone } = s;
  return [
    {
      type: 'SessionScheduled',
      data: {
        sessionId,
        hostId,
        title,
        skill,
        description,
        difficulty,
        prerequisites,
        meetingUrl,
        capacity,
        startsAt,
        durationMinutes,
        timezone,
        seriesId: null,
        clonedFrom: s.id,
        swap: null,
      },
    },
  ];
}

/** Moving seats: promote the first waitlisted members into every free seat, in arrival order. */
function fillSeats(s: Scheduled, capacity: number, registered: number): SessionEvent[] {
  const free = Math.max(0, capacity - registered);
  return s.waitlist
    .slice(0, free)
    .map((memberId) => ({ type: 'WaitlistPromoted', data: { sessionId: s.id, memberId } }));
}

const withLateReminders = (s: Scheduled, promotions: SessionEvent[], now: Date) => [
  ...promotions,
  ...lateReminders(
    s,
    promotions.flatMap((e) => (e.type === 'WaitlistPromoted' ? [e.data.memberId] : [])),
    now,
  ),
];

function edit(s: Scheduled, cmd: Extract<SessionCommand, { type: 'Edit' }>): SessionEvent[] | Rejection {
  const { actor, changes } = cmd.data;
  if (actor.memberId !== s.hostId) return reject('forbidden', 'Only the host can edit this session.');
  if (s.hidden) return reject('conflict', HIDDEN);
  if (s.status !== 'scheduled') return reject('conflict', `This session is ${statusWords(s)}.`);
  if (hasStarted(s, cmd.now)) return reject('conflict', 'This session has already started.');
  const events: SessionEvent[] = [];
  const { startsAt, durationMinutes, timezone: _tz, hostId: _h, ...details } = changes;
  // Compare instants, not strings: the same time written another way (".000Z" as GET returns it, or with
  // an offset) is no reschedule; it used to tell everyone about a "new time" and queue fresh reminders.
  const moved = startsAt !== undefined && Date.parse(startsAt) !== Date.parse(s.startsAt);
  const newStart = moved ? startsAt : s.startsAt;
  const newDuration = durationMinutes ?? s.durationMinutes;
  if (newStart !== s.startsAt || newDuration !== s.durationMinutes) {
    const invalid = notInFuture(newStart, cmd.now);
    if (invalid) return invalid;
    events.push({
      type: 'SessionRescheduled',
      data: {
        sessionId: s.id,
        startsAt: newStart,
        durationMinutes: newDuration,
        previousStartsAt: s.startsAt,
      },
    });
  }
  if (s.swap && details.capacity !== undefined && details.capacity !== 1)
    return reject('conflict', `${PRIVATE} Its capacity stays 1.`, [
      { path: 'capacity', message: 'must be 1 in a swap' },
    ]);
  if (details.capacity !== undefined && details.capacity < s.registered.length) {
    return reject(
      'conflict',
      `Capacity cannot go below the ${s.registered.length} members already registered.`,
    );
  }
  const changed = Object.fromEntries(
    Object.entries(details).filter(
      ([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(s[k as keyof typeof details]),
    ),
  );
  if (Object.keys(changed).length > 0)
    events.push({ type: 'SessionDetailsChanged', data: { sessionId: s.id, ...changed } });
  if (details.capacity !== undefined && details.capacity > s.capacity) {
    events.push(...withLateReminders(s, fillSeats(s, details.capacity, s.registered.length), cmd.now));
  }
  return events;
}

/** Pure: what a command does to a session in its current state. Time comes in with the command. */
export function decide(cmd: SessionCommand, state: Session): SessionEvent[] | Rejection {
  if (cmd.type === 'Schedule') {
    if (state.status !== 'none') return reject('conflict', 'This session already exists.');
    const invalid = notInFuture(cmd.data.details.startsAt, cmd.now);
    if (invalid) return invalid;
    const { sessionId, hostId, details, seriesId, clonedFrom } = cmd.data;
    const swap = cmd.data.swap ?? null;
    if (!swap)
      return [
        { type: 'SessionScheduled', data: { ...details, sessionId, hostId, seriesId, clonedFrom, swap } },
      ];
    if (swap.partnerId === hostId)
      return reject('forbidden', 'The host cannot register for their own session.');
    return [
      {
        type: 'SessionScheduled',
        data: { ...details, capacity: 1, sessionId, hostId, seriesId: null, clonedFrom: null, swap },
      },
      { type: 'MemberRegistered', data: { sessionId, memberId: swap.partnerId } },
    ];
  }
  if (state.status === 'none') return reject('not_found', 'That session was not found.');
  const s = state;
  switch (cmd.type) {
    case 'Edit':
      return edit(s, cmd);
    case 'Clone':
      return clone(s, cmd);
    case 'Cancel': {
      const { actor, reason } = cmd.data;
      if (actor.memberId !== s.hostId && !actor.isModerator) {
        return reject('forbidden', 'Only the host or a moderator can cancel this session.');
      }
      if (s.status !== 'scheduled') return reject('conflict', `This session is already ${statusWords(s)}.`);
      return [
        {
          type: 'SessionCancelled',
          data: {
            sessionId: s.id,
            reason,
            cancelledBy: actor.memberId,
            byModerator: actor.memberId !== s.hostId,
          },
        },
      ];
    }
    case 'Complete': {
      if (cmd.data.actor.memberId !== s.hostId)
        return reject('forbidden', 'Only the host can complete this session.');
      if (s.status !== 'scheduled') return reject('conflict', `This session is already ${statusWords(s)}.`);
      // Completing records attendance and opens reviews, and cannot be undone: not while people may still join.
      if (!hasEnded(s, cmd.now))
        return reject(
          'conflict',
          'A session can be completed only once it has ended (its start time plus its duration).',
        );
      const attendeeIds = [...new Set(cmd.data.attendeeIds ?? s.registered)];
      const strangers = attendeeIds.filter((id) => !s.registered.includes(id));
      if (strangers.length > 0) {
        return reject('validation_failed', 'attendeeIds: every attendee must be registered for the session', [
          { path: 'attendeeIds', message: `not registered: ${strangers.join(', ')}` },
        ]);
      }
      const { id: sessionId, hostId, skill, startsAt, durationMinutes } = s;
      return [
        {
          type: 'SessionCompleted',
          data: { sessionId, hostId, skill, attendeeIds, startsAt, durationMinutes },
        },
        ...absentAtCompletion(s, attendeeIds),
      ];
    }
    case 'Register': {
      const { memberId } = cmd.data;
      // Hidden content does not exist for members (API.md): the same answer as for an unknown session.
      if (s.hidden) return reject('not_found', 'That session was not found.');
      if (memberId === s.hostId)
        return reject('forbidden', 'The host cannot register for their own session.');
      // Nobody else learns that the session exists (API.md: private), as for a hidden one.
      if (s.swap && memberId !== s.swap.partnerId) return reject('not_found', 'That session was not found.');
      if (s.status !== 'scheduled') return reject('conflict', `This session is ${statusWords(s)}.`);
      if (hasStarted(s, cmd.now)) return reject('conflict', 'This session has already started.');
      if (s.registered.includes(memberId)) return reject('conflict', 'You are already registered.');
      if (s.waitlist.includes(memberId)) return reject('conflict', 'You are already on the waitlist.');
      const barred = cmd.data.noShows ? barredRegistration(cmd.data.noShows, cmd.now) : null;
      if (barred) return barred;
      if (s.registered.length < s.capacity)
        return [
          { type: 'MemberRegistered', data: { sessionId: s.id, memberId } },
          ...lateReminders(s, [memberId], cmd.now),
        ];
      return [
        { type: 'MemberWaitlisted', data: { sessionId: s.id, memberId, position: s.waitlist.length + 1 } },
      ];
    }
    case 'Unregister': {
      const { memberId, lateLeaveHours } = cmd.data;
      const wasRegistered = s.registered.includes(memberId);
      if (!wasRegistered && !s.waitlist.includes(memberId))
        return reject('conflict', 'You are not registered for this session.');
      if (s.status !== 'scheduled') return reject('conflict', `This session is ${statusWords(s)}.`);
      const events: SessionEvent[] = [
        { type: 'RegistrationCancelled', data: { sessionId: s.id, memberId, wasWaitlisted: !wasRegistered } },
        ...lateLeave(s, memberId, cmd.now, lateLeaveHours),
      ];
      // A freed seat goes to the first on the waitlist, unless the session is already under way.
      if (wasRegistered && !hasStarted(s, cmd.now)) {
        const rest = { ...s, waitlist: s.waitlist.filter((m) => m !== memberId) };
        events.push(
          ...withLateReminders(rest, fillSeats(rest, s.capacity, s.registered.length - 1), cmd.now),
        );
      }
      return events;
    }
    case 'SendReminder': {
      const { kind, startsAt } = cmd.data;
      // A reminder for an old start time (rescheduled since), or one already sent, is dropped: exactly once.
      // Nor for a hidden session: a reminder carries its meeting link (the scam link it was hidden for, say).
      if (
        s.status !== 'scheduled' ||
        s.hidden ||
        s.startsAt !== startsAt ||
        s.remindersSent.includes(reminderKey(kind, startsAt))
      ) {
        return [];
      }
      // None after the start (a job run late, after a restart); nor a 24-hour one within the last hour, where it
      // would arrive beside the 1-hour one.
      const start = Date.parse(startsAt);
      if (cmd.now.getTime() >= start || (kind === '24h' && cmd.now.getTime() >= start - HOUR)) return [];
      const memberIds = [s.hostId, ...s.registered].filter(
        (m) => !s.remindersSent.includes(memberReminderKey(kind, startsAt, m)),
      );
      return [{ type: 'ReminderDue', data: { sessionId: s.id, kind, startsAt, memberIds } }];
    }
    case 'RecordNotHeld': {
      // Completed, cancelled, or recorded already: nothing to do. A job for a time the session has since been
      // moved from comes too early for its new end and does nothing either.
      if (s.status !== 'scheduled' || cmd.now.getTime() < endOf(s) + NOT_HELD_AFTER_MS) return [];
      // A host who joined held the session, even without completing it: nothing to record.
      if (s.joined.includes(s.hostId)) return [];
      const { id: sessionId, hostId, registered: attendeeIds, startsAt, durationMinutes } = s;
      return [
        { type: 'SessionNotHeld', data: { sessionId, hostId, attendeeIds, startsAt, durationMinutes } },
      ];
    }
    case 'Join':
      return join(s, cmd.data.memberId, cmd.now);
    case 'RecordVisibility': {
      const { hidden, cause } = cmd.data;
      if (hidden === s.hidden) return [];
      return hidden
        ? [{ type: 'SessionHidden', data: { sessionId: s.id, cause } }]
        : [{ type: 'SessionUnhidden', data: { sessionId: s.id } }];
    }
    default: {
      const unreachable: never = cmd;
      return unreachable;
    }
  }
}
