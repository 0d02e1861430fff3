// A session's state, folded from its stream `session-<id>` (its events: events.ts).
import type { ReminderKind, SessionEvent, SessionEventData } from './events.ts';

export type SessionDetails = Omit<
  SessionEventData['SessionScheduled'],
  'sessionId' | 'seriesId' | 'clonedFrom'
>;

export type Session =
  | { status: 'none' }
  | (SessionDetails & {
      status: 'scheduled' | 'cancelled' | 'completed';
      id: string;
      seriesId: string | null;
      registered: string[];
      waitlist: string[];
      attendees: string[];
      remindersSent: string[];
      /** Hidden by moderation: gone for members, and its host can neither edit nor copy it. */
      hidden: boolean;
    });

export const initialSession: Session = { status: 'none' };

export const reminderKey = (kind: ReminderKind, startsAt: string) => `${kind}@${startsAt}`;

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
    case 'ReminderDue':
      return {
        ...state,
        remindersSent: [...state.remindersSent, reminderKey(event.data.kind, event.data.startsAt)],
      };
  }
  // The module's other streams (series, notifications read) never reach a session's stream.
  return state;
}
