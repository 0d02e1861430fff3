// Given/when helpers for the session decider's pure tests (test files only).
import type { Rejection } from '../../infra/event-store/index.ts';
import { decide, type SessionCommand } from './decide.ts';
import type { SessionEvent } from './events.ts';
import { evolve, initialSession, type Session, type SessionDetails } from './session.ts';

export const HOST = 'host-1';
export const MOD = { memberId: 'mod-1', isModerator: true };
export const host = { memberId: HOST, isModerator: false };
export const stranger = { memberId: 'stranger', isModerator: false };
export const START = '2026-12-01T18:00:00Z';
export const before = new Date('2026-11-30T12:00:00Z');
export const after = new Date('2026-12-01T18:05:00Z');
/** After the end of the session of `details` (18:00 for 60 minutes). */
export const ended = new Date('2026-12-01T19:00:00Z');

export const details: SessionDetails = {
  hostId: HOST,
  title: 'Intro to sourdough',
  skill: 'Baking',
  description: 'Starter, dough, oven.',
  difficulty: 'beginner',
  prerequisites: [],
  meetingUrl: 'https://meet.example.com/bread',
  capacity: 2,
  startsAt: START,
  durationMinutes: 60,
  timezone: 'Europe/Berlin',
};

export const scheduled = (capacity = 2): SessionEvent => ({
  type: 'SessionScheduled',
  data: { ...details, capacity, sessionId: 's1', seriesId: null, clonedFrom: null, swap: null },
});
export const registered = (memberId: string): SessionEvent => ({
  type: 'MemberRegistered',
  data: { sessionId: 's1', memberId },
});
export const waitlisted = (memberId: string, position: number): SessionEvent => ({
  type: 'MemberWaitlisted',
  data: { sessionId: 's1', memberId, position },
});
export const promoted = (memberId: string): SessionEvent => ({
  type: 'WaitlistPromoted',
  data: { sessionId: 's1', memberId },
});
export const cancelled: SessionEvent = {
  type: 'SessionCancelled',
  data: { sessionId: 's1', reason: 'ill', cancelledBy: HOST, byModerator: false },
};
export const completed: SessionEvent = {
  type: 'SessionCompleted',
  data: {
    sessionId: 's1',
    hostId: HOST,
    skill: 'Baking',
    attendeeIds: [],
    startsAt: START,
    durationMinutes: 60,
  },
};
/** The host did not show: the session was recorded as not held, with these members registered. */
export const notHeld = (attendeeIds: string[]): SessionEvent => ({
  type: 'SessionNotHeld',
  data: { sessionId: 's1', hostId: HOST, attendeeIds, startsAt: START, durationMinutes: 60 },
});
/** Moderation hid the session (the session learns it from moderation's ContentHidden), and showed it again. */
export const hidden: SessionEvent = {
  type: 'SessionHidden',
  data: { sessionId: 's1', cause: 'moderator' },
};
export const unhidden: SessionEvent = { type: 'SessionUnhidden', data: { sessionId: 's1' } };
/** A session of capacity 2 with a and b in, c and d waiting. */
export const full = [scheduled(2), registered('a'), registered('b'), waitlisted('c', 1), waitlisted('d', 2)];

export const given = (...events: SessionEvent[]): Session => events.reduce(evolve, initialSession);
export const isRejection = (r: SessionEvent[] | Rejection): r is Rejection => !Array.isArray(r);

export function when(history: SessionEvent[], command: SessionCommand) {
  const state = given(...history);
  const result = decide(command, state);
  const after = isRejection(result) ? state : result.reduce(evolve, state);
  return { result, after: after as Extract<Session, { id: string }> };
}
export const rejected = (result: SessionEvent[] | Rejection) =>
  isRejection(result) ? result.reason : 'accepted';

export const register = (memberId: string, now = before): SessionCommand => ({
  type: 'Register',
  data: { memberId },
  now,
});
export const unregister = (
  memberId: string,
  now = before,
  lateLeaveHours: number | null = 3,
): SessionCommand => ({
  type: 'Unregister',
  data: { memberId, lateLeaveHours },
  now,
});
export const joinAs = (memberId: string, now: Date): SessionCommand => ({
  type: 'Join',
  data: { memberId },
  now,
});
export const joined = (memberId: string, at = START): SessionEvent => ({
  type: 'MemberJoined',
  data: { sessionId: 's1', memberId, joinedAt: at },
});
export const edit = (changes: Partial<SessionDetails>, actor = host, now = before): SessionCommand => ({
  type: 'Edit',
  data: { actor, changes },
  now,
});
export const clone = (
  sessionId: string,
  actor = host,
  startsAt = '2026-12-08T18:00:00Z',
  now = before,
): SessionCommand => ({ type: 'Clone', data: { actor, sessionId, startsAt }, now });
export const complete = (attendeeIds?: string[], actor = host, now = ended): SessionCommand => ({
  type: 'Complete',
  data: { actor, attendeeIds },
  now,
});
export const schedule = (now: Date): SessionCommand => ({
  type: 'Schedule',
  data: { sessionId: 's1', hostId: HOST, details, seriesId: null, clonedFrom: null },
  now,
});
export const reminder = (kind: '24h' | '1h', startsAt = START, now = before): SessionCommand => ({
  type: 'SendReminder',
  data: { kind, startsAt },
  now,
});
export const recordNotHeld = (now: Date): SessionCommand => ({ type: 'RecordNotHeld', now });
/** `ms` after the start of the session of `details` (negative: before it), as a fake clock reads. */
export const atStart = (ms: number) => new Date(Date.parse(START) + ms);
