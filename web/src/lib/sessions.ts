// The session shapes the API answers with (read-models/session-listings/views.ts, by type only) and the few rules
// the pages and islands share for showing them, so a card, a detail page and an island never disagree.
import type {
  AttendeesView,
  AttendeeView,
  MySessionsView,
  SessionStatus,
  SessionView,
} from '../../../read-models/session-listings/views.ts';
import { api } from './api.ts';
import { isTimeZone } from './session-times.ts';

export type { SessionStatus };
export type Session = SessionView;
export type Attendee = AttendeeView;
export type Attendees = AttendeesView;
export type MySessions = MySessionsView;
export type Difficulty = 'beginner' | 'intermediate' | 'advanced';
export const DIFFICULTIES: Difficulty[] = ['beginner', 'intermediate', 'advanced'];

export function levelClass(difficulty: string): string {
  return (
    { beginner: 'badge-success', intermediate: 'badge-info', advanced: 'badge-warning' }[difficulty] ?? ''
  );
}

/** For a scheduled session: a full one takes a waitlist, so "full" is never a dead end. */
export function seatsText(s: Pick<Session, 'seatsLeft' | 'status'>): string {
  if (s.seatsLeft <= 0) return 'Full — waitlist open';
  return s.seatsLeft === 1 ? '1 seat left' : `${s.seatsLeft} seats left`;
}

export function seatsClass(s: Pick<Session, 'seatsLeft' | 'status'>): string {
  if (s.status !== 'scheduled') return '';
  return s.seatsLeft <= 0 ? 'seats-full' : s.seatsLeft <= 3 ? 'seats-low' : '';
}

export const STATUS_LABEL: Record<SessionStatus, string> = {
  scheduled: 'Scheduled',
  cancelled: 'Cancelled',
  completed: 'Completed',
};

export function statusClass(status: SessionStatus): string {
  return { scheduled: 'badge-info', cancelled: 'badge-danger', completed: 'badge-success' }[status];
}

export function hasStarted(s: Pick<Session, 'startsAt'>, now = Date.now()): boolean {
  return now >= Date.parse(s.startsAt);
}

export function hasEnded(s: Pick<Session, 'endsAt'>, now = Date.now()): boolean {
  return now >= Date.parse(s.endsAt);
}

/** Meeting links come from members: only https ones become links. */
export function meetingHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function sessionHref(id: string): string {
  return `/sessions/${encodeURIComponent(id)}`;
}

export function loginHref(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

/**
 * The signed-in viewer's time zone from their profile (resolved with their session, not asked of the API again),
 * or null (signed out, or not a zone this runtime knows): then pages show UTC and scripts switch to the browser's
 * zone.
 */
export async function viewerTimeZone(locals: App.Locals): Promise<string | null> {
  const zone = locals.user?.timezone;
  return zone && isTimeZone(zone) ? zone : null;
}

/** Fetches one session for a page; null for "not found" and for any failure the page shows as such. */
export async function loadSession(locals: App.Locals, id: string) {
  const res = await api<{ session: Session }>(locals, `/api/sessions/${encodeURIComponent(id)}`);
  return { status: res.status, session: res.ok ? res.data.session : null };
}
