import type { Rejection } from '../../infra/event-store/index.ts';
import type { ReminderKind, Session, SessionDetails, SessionEvent } from './session.ts';
import { reminderKey } from './session.ts';

type Scheduled = Extract<Session, { status: 'scheduled' | 'cancelled' | 'completed' }>;
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
      };
      now: Date;
    }
  | { type: 'Edit'; data: { actor: Actor; changes: Partial<SessionDetails> }; now: Date }
  | { type: 'Cancel'; data: { actor: Actor; reason: string } }
  | { type: 'Complete'; data: { actor: Actor; attendeeIds?: string[] | undefined }; now: Date }
  | { type: 'Register'; data: { memberId: string }; now: Date }
  | { type: 'Unregister'; data: { memberId: string }; now: Date }
  | { type: 'SendReminder'; data: { kind: ReminderKind; startsAt: string } };

const reject = (reason: Rejection['reason'], message: string, details?: Rejection['details']): Rejection => ({
  reason,
  message,
  ...(details ? { details } : {}),
});

const hasStarted = (s: Scheduled, now: Date) => now.getTime() >= Date.parse(s.startsAt);

/** Moving seats: promote the first waitlisted members into every free seat, in arrival order. */
function fillSeats(s: Scheduled, capacity: number, registered: number): SessionEvent[] {
  const free = Math.max(0, capacity - registered);
  return s.waitlist
    .slice(0, free)
    .map((memberId) => ({ type: 'WaitlistPromoted', data: { sessionId: s.id, memberId } }));
}

function edit(s: Scheduled, cmd: Extract<SessionCommand, { type: 'Edit' }>): SessionEvent[] | Rejection {
  const { actor, changes } = cmd.data;
  if (actor.memberId !== s.hostId) return reject('forbidden', 'Only the host can edit this session.');
  if (s.status !== 'scheduled') return reject('conflict', `This session is ${s.status}.`);
  if (hasStarted(s, cmd.now)) return reject('conflict', 'This session has already started.');
  const events: SessionEvent[] = [];
  const { startsAt, durationMinutes, timezone: _tz, hostId: _h, ...details } = changes;
  // Compare instants, not strings: the same time written another way (".000Z" as GET returns it, or with
  // an offset) is no reschedule; it used to tell everyone about a "new time" and queue fresh reminders.
  const moved = startsAt !== undefined && Date.parse(startsAt) !== Date.parse(s.startsAt);
  const newStart = moved ? startsAt : s.startsAt;
  const newDuration = durationMinutes ?? s.durationMinutes;
  if (newStart !== s.startsAt || newDuration !== s.durationMinutes) {
    if (Date.parse(newStart) <= cmd.now.getTime()) {
      return reject('validation_failed', 'startsAt: must be in the future', [
        { path: 'startsAt', message: 'must be in the future' },
      ]);
    }
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
    events.push(...fillSeats(s, details.capacity, s.registered.length));
  }
  return events;
}

/** Pure: what a command does to a session in its current state. Time comes in with the command. */
export function decide(cmd: SessionCommand, state: Session): SessionEvent[] | Rejection {
  if (cmd.type === 'Schedule') {
    if (state.status !== 'none') return reject('conflict', 'This session already exists.');
    if (Date.parse(cmd.data.details.startsAt) <= cmd.now.getTime()) {
      return reject('validation_failed', 'startsAt: must be in the future', [
        { path: 'startsAt', message: 'must be in the future' },
      ]);
    }
    const { sessionId, hostId, details, seriesId, clonedFrom } = cmd.data;
    return [{ type: 'SessionScheduled', data: { ...details, sessionId, hostId, seriesId, clonedFrom } }];
  }
  if (state.status === 'none') return reject('not_found', 'That session was not found.');
  const s = state;
  switch (cmd.type) {
    case 'Edit':
      return edit(s, cmd);
    case 'Cancel': {
      const { actor, reason } = cmd.data;
      if (actor.memberId !== s.hostId && !actor.isModerator) {
        return reject('forbidden', 'Only the host or a moderator can cancel this session.');
      }
      if (s.status !== 'scheduled') return reject('conflict', `This session is already ${s.status}.`);
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
      if (s.status !== 'scheduled') return reject('conflict', `This session is already ${s.status}.`);
      if (!hasStarted(s, cmd.now))
        return reject('conflict', 'A session can be completed once it has started.');
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
      ];
    }
    case 'Register': {
      const { memberId } = cmd.data;
      if (memberId === s.hostId)
        return reject('forbidden', 'The host cannot register for their own session.');
      if (s.status !== 'scheduled') return reject('conflict', `This session is ${s.status}.`);
      if (hasStarted(s, cmd.now)) return reject('conflict', 'This session has already started.');
      if (s.registered.includes(memberId)) return reject('conflict', 'You are already registered.');
      if (s.waitlist.includes(memberId)) return reject('conflict', 'You are already on the waitlist.');
      if (s.registered.length < s.capacity)
        return [{ type: 'MemberRegistered', data: { sessionId: s.id, memberId } }];
      return [
        { type: 'MemberWaitlisted', data: { sessionId: s.id, memberId, position: s.waitlist.length + 1 } },
      ];
    }
    case 'Unregister': {
      const { memberId } = cmd.data;
      const wasRegistered = s.registered.includes(memberId);
      if (!wasRegistered && !s.waitlist.includes(memberId))
        return reject('conflict', 'You are not registered for this session.');
      if (s.status !== 'scheduled') return reject('conflict', `This session is ${s.status}.`);
      const events: SessionEvent[] = [
        { type: 'RegistrationCancelled', data: { sessionId: s.id, memberId, wasWaitlisted: !wasRegistered } },
      ];
      // A freed seat goes to the first on the waitlist, unless the session is already under way.
      if (wasRegistered && !hasStarted(s, cmd.now)) {
        const rest = { ...s, waitlist: s.waitlist.filter((m) => m !== memberId) };
        events.push(...fillSeats(rest, s.capacity, s.registered.length - 1));
      }
      return events;
    }
    case 'SendReminder': {
      const { kind, startsAt } = cmd.data;
      // A reminder for an old start time (rescheduled since), or one already sent, is dropped: exactly once.
      if (
        s.status !== 'scheduled' ||
        s.startsAt !== startsAt ||
        s.remindersSent.includes(reminderKey(kind, startsAt))
      ) {
        return [];
      }
      return [{ type: 'ReminderDue', data: { sessionId: s.id, kind, startsAt } }];
    }
    default: {
      const unreachable: never = cmd;
      return unreachable;
    }
  }
}
