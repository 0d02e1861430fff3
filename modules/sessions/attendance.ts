// Attendance, pure: the join window and the join link's decision, the no-shows a completion or a late leave
// records, and the no-show policy's cooldown. decide.ts calls these; the facts (time, the member's no-show dates,
// the policy's settings) come in with the command.
import type { Rejection } from '../../infra/event-store/index.ts';
import { JOIN_OPENS_BEFORE_MINUTES, type SessionEvent } from './events.ts';
import { endOf, type Session } from './session.ts';

type Scheduled = Extract<Session, { id: string }>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The join link opens this long before the start (and closes at the end). */
export const JOIN_OPENS_BEFORE_MS = JOIN_OPENS_BEFORE_MINUTES * MINUTE;

/** The no-show policy's settings (NO_SHOW_* and LATE_LEAVE_HOURS in infra/config.ts). */
export type NoShowPolicy = {
  /** This many no-shows within `windowDays`... */
  limit: number;
  windowDays: number;
  /** ...and the member cannot register for this many days after the last of them. */
  cooldownDays: number;
  /** Leaving a session less than this many hours before its start (or after it) is a no-show. */
  lateLeaveHours: number;
};
export const DEFAULT_NO_SHOW_POLICY: NoShowPolicy = {
  limit: 3,
  windowDays: 60,
  cooldownDays: 14,
  lateLeaveHours: 3,
};

/** What the edge knows of a member registering: the start times of the sessions they were a no-show for. */
export type NoShowRecord = { noShowDates: string[]; policy: NoShowPolicy };

const reject = (reason: Rejection['reason'], message: string): Rejection => ({ reason, message });

export const joinOpensAt = (s: { startsAt: string }) =>
  new Date(Date.parse(s.startsAt) - JOIN_OPENS_BEFORE_MS);

/** Whether `now` is inside the join window: from 15 minutes before the start to the end, both included. */
export const insideJoinWindow = (s: { startsAt: string; durationMinutes: number }, now: Date) =>
  now.getTime() >= joinOpensAt(s).getTime() && now.getTime() <= endOf(s);

/** The join link: the host or a registered member, inside the window; recorded once (a second join adds nothing). */
export function join(s: Scheduled, memberId: string, now: Date): SessionEvent[] | Rejection {
  const isHost = memberId === s.hostId;
  // Hidden content does not exist for members; its link is what it may have been hidden for.
  if (s.hidden && !isHost) return reject('not_found', 'That session was not found.');
  if (s.hidden) return reject('conflict', 'A moderator hid this session; it cannot be joined.');
  if (!isHost && !s.registered.includes(memberId)) {
    return reject(
      'forbidden',
      s.waitlist.includes(memberId)
        ? 'You are on the waitlist: only registered members can join.'
        : 'Only the host and registered members can join this session.',
    );
  }
  if (s.status !== 'scheduled') {
    return reject('conflict', `This session is ${s.status === 'not_held' ? 'not held' : s.status}.`);
  }
  if (now.getTime() < joinOpensAt(s).getTime()) {
    return reject(
      'conflict',
      `The join link opens at ${joinOpensAt(s).toISOString()}, 15 minutes before the start.`,
    );
  }
  if (now.getTime() > endOf(s)) return reject('conflict', 'This session has ended; its join link is closed.');
  if (s.joined.includes(memberId)) return [];
  return [{ type: 'MemberJoined', data: { sessionId: s.id, memberId, joinedAt: now.toISOString() } }];
}

/** At completion: the registered members who neither joined nor were marked present are no-shows. */
export function absentAtCompletion(s: Scheduled, attendeeIds: string[]): SessionEvent[] {
  const memberIds = s.registered.filter((m) => !attendeeIds.includes(m) && !s.joined.includes(m));
  return memberIds.length === 0
    ? []
    : [
        {
          type: 'NoShowsRecorded',
          data: { sessionId: s.id, memberIds, startsAt: s.startsAt, cause: 'absent' },
        },
      ];
}

/**
 * A registered member leaving less than `lateLeaveHours` before the start (or after it) without having joined: a
 * no-show, as their seat was held for nobody. Earlier is never one. `null`: the leave is not the member's choice
 * (their account was deleted or suspended) and never counts.
 */
export function lateLeave(
  s: Scheduled,
  memberId: string,
  now: Date,
  lateLeaveHours: number | null,
): SessionEvent[] {
  if (lateLeaveHours === null || !s.registered.includes(memberId) || s.joined.includes(memberId)) return [];
  if (now.getTime() < Date.parse(s.startsAt) - lateLeaveHours * HOUR) return [];
  return [
    {
      type: 'NoShowsRecorded',
      data: { sessionId: s.id, memberIds: [memberId], startsAt: s.startsAt, cause: 'left-late' },
    },
  ];
}

/**
 * Until when a member may not register: `limit` no-shows within `windowDays` of each other bar them for
 * `cooldownDays` after the last of those; null when nothing bars them now. The cooldown ends by itself: once `now`
 * has passed its end, the same dates bar nothing.
 */
export function registrationBarredUntil(noShowDates: string[], now: Date, policy: NoShowPolicy): Date | null {
  const times = noShowDates.map((d) => Date.parse(d)).sort((a, b) => a - b);
  let until: number | null = null;
  for (let i = policy.limit - 1; i < times.length; i++) {
    const first = times[i - policy.limit + 1]!;
    const last = times[i]!;
    if (last - first <= policy.windowDays * DAY) {
      const end = last + policy.cooldownDays * DAY;
      if (until === null || end > until) until = end;
    }
  }
  return until !== null && now.getTime() < until ? new Date(until) : null;
}

/** The refusal of a barred member: why, and the day they may register again. */
export function barredRegistration(record: NoShowRecord, now: Date): Rejection | null {
  const until = registrationBarredUntil(record.noShowDates, now, record.policy);
  if (!until) return null;
  const { limit, windowDays } = record.policy;
  return reject(
    'conflict',
    `You missed ${limit} sessions within ${windowDays} days without coming or leaving in time, so you cannot register until ${until.toISOString().slice(0, 10)} (${until.toISOString()}).`,
  );
}
