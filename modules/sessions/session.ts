// A session's state, folded from its stream `session-<id>` (its events: events.ts).
import type { ReminderKind, SessionEvent, SessionEventData } from './events.ts';

export type SessionDetails = Omit<
  SessionEventData['SessionScheduled'],
  'sessionId' | 'seriesId' | 'clonedFrom' | 'swap'
>;

export type Session =
  | { status: 'none' }
  | (SessionDetails & {
      /** not_held: the host did not complete it by a day after its end (SessionNotHeld). */
      status: 'scheduled' | 'cancelled' | 'completed' | 'not_held';
      id: string;
      seriesId: string | null;
      /** The swap this session belongs to and the member it is for: private to the two (SessionScheduled v2). */
      swap: { swapId: string; partnerId: string } | null;
      registered: string[];
      waitlist: string[];
      attendees: string[];
      /** Who used the join link (MemberJoined), the host included, each once. */
      joined: string[];
      /** Each reminder sent, per start time (`reminderKey`), and each member it reached (`reminderKey#member`). */
      remindersSent: string[];
      /** Hidden by moderation: gone for members, and its host can neither edit nor copy it. */
      hidden: boolean;
    });

export const initialSession: Session = { status: 'none' };

/** When a session (or a start and length it was given) ends, in epoch milliseconds. */
export const endOf = (s: { startsAt: string; durationMinutes: number }) =>
  Date.parse(s.startsAt) + s.durationMinutes * 60_000;

export const reminderKey = (kind: ReminderKind, startsAt: string) => `${kind}@${startsAt}`;
export const memberReminderKey = (kind: ReminderKind, startsAt: string, memberId: string) =>
  `${reminderKey(kind, startsAt)}#${memberId}`;

export function evolve(state: Session, event: SessionEvent): Session {
  if (event.type === 'SessionScheduled') {
    const { sessionId, clonedFrom: _, ...rest } = event.data;
    return {
      ...rest,
      status: 'scheduled',
      id: sessionId,
      registered: [],
      waitlist: [],
      attendees: [],
      joined: [],
      remindersSent: [],
      hidden: false,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'SessionDetailsChanged': {
      const { sessionId: _, ...changes } = event.data;
      return { ...state, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
    }
    case 'SessionRescheduled':
      return { ...state, startsAt: event.data.startsAt, durationMinutes: event.data.durationMinutes };
    case 'SessionCancelled':
      return { ...state, status: 'cancelled' };
    case 'SessionCompleted':
      return { ...state, status: 'completed', attendees: event.data.attendeeIds };
    case 'MemberRegistered':
      return { ...state, registered: [...state.registered, event.data.memberId] };
    case 'MemberWaitlisted':
      return { ...state, waitlist: [...state.waitlist, event.data.memberId] };
    case 'RegistrationCancelled':
      return {
        ...state,
        registered: state.registered.filter((m) => m !== event.data.memberId),
        waitlist: state.waitlist.filter((m) => m !== event.data.memberId),
      };
    case 'WaitlistPromoted':
      return {
        ...state,
        registered: [...state.registered, event.data.memberId],
        waitlist: state.waitlist.filter((m) => m !== event.data.memberId),
      };
    case 'SessionHidden':
      return { ...state, hidden: true };
    case 'SessionUnhidden':
      return { ...state, hidden: false };
    case 'ReminderDue': {
      const { kind, startsAt, memberIds } = event.data;
      // v1 reached everyone in at that point: the host and the registered. The scheduled reminder always
      // reaches the host; one for a late registration reaches that member alone.
      const reached = memberIds ?? [state.hostId, ...state.registered];
      return {
        ...state,
        remindersSent: [
          ...state.remindersSent,
          ...(reached.includes(state.hostId) ? [reminderKey(kind, startsAt)] : []),
          ...reached.map((m) => memberReminderKey(kind, startsAt, m)),
        ],
      };
    }
    case 'SessionNotHeld':
      return { ...state, status: 'not_held' };
    case 'MemberJoined':
      return { ...state, joined: [...state.joined, event.data.memberId] };
    case 'NoShowsRecorded':
      // The policy counts no-shows across sessions, from a read model; the session itself decides nothing by them.
      return state;
  }
  // The module's other streams (series, notifications read) never reach a session's stream.
  return state;
}
