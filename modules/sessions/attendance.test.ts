// Attendance, pure, with a fake clock (the `now` of each command): the join link, the no-shows a completion or a
// late leave records, the no-show policy, and the host's join that makes a session held.
import { describe, expect, it } from 'vitest';
import { DEFAULT_NO_SHOW_POLICY, registrationBarredUntil } from './attendance.ts';
import {
  atStart,
  complete,
  completed,
  HOST,
  hidden,
  host,
  joinAs,
  joined,
  recordNotHeld,
  registered,
  rejected,
  START,
  scheduled,
  unregister,
  waitlisted,
  when,
} from './decide.testing.ts';
import type { SessionCommand } from './decide.ts';
import type { SessionEvent } from './events.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** The session of decide.testing.ts starts at START and lasts 60 minutes. */
const END = HOUR;
const seated = [scheduled(3), registered('a'), registered('b'), waitlisted('w', 1)];

describe('Join', () => {
  it('records a registered member joining inside the window, from 15 minutes before the start', () => {
    const now = atStart(-15 * MIN);
    const { result, after } = when(seated, joinAs('a', now));
    expect(result).toEqual([
      { type: 'MemberJoined', data: { sessionId: 's1', memberId: 'a', joinedAt: now.toISOString() } },
    ]);
    expect(after.joined).toEqual(['a']);
  });

  it('lets the host join too, up to the very end', () => {
    expect(when(seated, joinAs(HOST, atStart(END))).result).toMatchObject([
      { type: 'MemberJoined', data: { memberId: HOST } },
    ]);
  });

  it('records a join once: the second join appends nothing (and is no refusal)', () => {
    expect(when([...seated, joined('a')], joinAs('a', atStart(5 * MIN))).result).toEqual([]);
  });

  it('refuses before the window (409 saying when it opens) and after the end (409)', () => {
    const early = when(seated, joinAs('a', atStart(-16 * MIN))).result;
    expect(early).toMatchObject({
      reason: 'conflict',
      message: 'The join link opens at 2026-12-01T17:45:00.000Z, 15 minutes before the start.',
    });
    expect(when(seated, joinAs('a', atStart(END + 1))).result).toMatchObject({
      reason: 'conflict',
      message: 'This session has ended; its join link is closed.',
    });
  });

  it('refuses the waitlisted and strangers (403), whatever the time', () => {
    const now = atStart(0);
    expect(when(seated, joinAs('w', now)).result).toMatchObject({
      reason: 'forbidden',
      message: 'You are on the waitlist: only registered members can join.',
    });
    expect(rejected(when(seated, joinAs('zed', now)).result)).toBe('forbidden');
  });

  it('refuses a cancelled, completed or hidden session', () => {
    const cancelled: SessionEvent = {
      type: 'SessionCancelled',
      data: { sessionId: 's1', reason: 'ill', cancelledBy: HOST, byModerator: false },
    };
    expect(rejected(when([...seated, cancelled], joinAs('a', atStart(0))).result)).toBe('conflict');
    expect(rejected(when([...seated, completed], joinAs('a', atStart(END))).result)).toBe('conflict');
    expect(rejected(when([...seated, hidden], joinAs('a', atStart(0))).result)).toBe('not_found');
  });
});

describe('Complete records no-shows', () => {
  it('the registered who neither joined nor were marked present are absent; a join counts as coming', () => {
    const history = [scheduled(3), registered('a'), registered('b'), registered('c'), joined('b')];
    const { result } = when(history, complete(['a'], host, atStart(END)));
    expect(result).toEqual([
      {
        type: 'SessionCompleted',
        data: {
          sessionId: 's1',
          hostId: HOST,
          skill: 'Baking',
          attendeeIds: ['a'],
          startsAt: START,
          durationMinutes: 60,
        },
      },
      {
        type: 'NoShowsRecorded',
        data: { sessionId: 's1', memberIds: ['c'], startsAt: START, cause: 'absent' },
      },
    ]);
  });

  it('records no no-show when everyone came', () => {
    expect(when(seated, complete(['a', 'b'], host, atStart(END))).result).toHaveLength(1);
  });
});

describe('Leaving late', () => {
  const leftLate = (memberId: string): SessionEvent => ({
    type: 'NoShowsRecorded',
    data: { sessionId: 's1', memberIds: [memberId], startsAt: START, cause: 'left-late' },
  });

  it('leaving less than LATE_LEAVE_HOURS (3) before the start is a no-show', () => {
    expect(when(seated, unregister('a', atStart(-3 * HOUR + 1))).result).toContainEqual(leftLate('a'));
  });

  it('leaving earlier never is, nor leaving the waitlist, nor after joining', () => {
    expect(when(seated, unregister('a', atStart(-3 * HOUR - 1))).result).not.toContainEqual(leftLate('a'));
    expect(when(seated, unregister('w', atStart(-MIN))).result).not.toContainEqual(leftLate('w'));
    const history = [...seated, joined('a')];
    expect(when(history, unregister('a', atStart(10 * MIN))).result).not.toContainEqual(leftLate('a'));
  });

  it('a seat released by a deletion or a suspension (lateLeaveHours null) is never a no-show', () => {
    expect(when(seated, unregister('a', atStart(-MIN), null)).result).not.toContainEqual(leftLate('a'));
  });
});

describe('The no-show policy at registration', () => {
  // Well before the start, so that the end of a cooldown still comes before it.
  const now = atStart(-20 * DAY);
  const withNoShows = (noShowDates: string[], at = now): SessionCommand => ({
    type: 'Register',
    data: { memberId: 'e', noShows: { noShowDates, policy: DEFAULT_NO_SHOW_POLICY } },
    now: at,
  });
  const daysBefore = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

  it('refuses a member with 3 no-shows within 60 days, with the reason and the date it ends', () => {
    const dates = [daysBefore(50), daysBefore(20), daysBefore(5)];
    const { result } = when(seated, withNoShows(dates));
    // 14 days after the last no-show (5 days ago): 9 days from now.
    const until = new Date(now.getTime() + 9 * DAY).toISOString();
    expect(result).toEqual({
      reason: 'conflict',
      message: `You missed 3 sessions within 60 days without coming or leaving in time, so you cannot register until ${until.slice(0, 10)} (${until}).`,
    });
  });

  it('the cooldown ends by itself: the same no-shows bar nothing 14 days after the last', () => {
    const dates = [daysBefore(50), daysBefore(20), daysBefore(5)];
    const later = new Date(now.getTime() + 9 * DAY);
    expect(rejected(when(seated, withNoShows(dates, new Date(later.getTime() - 1))).result)).toBe('conflict');
    expect(rejected(when(seated, withNoShows(dates, later)).result)).toBe('accepted');
  });

  it('two no-shows, or three spread over more than 60 days, bar nothing', () => {
    expect(rejected(when(seated, withNoShows([daysBefore(3), daysBefore(1)])).result)).toBe('accepted');
    const spread = [daysBefore(70), daysBefore(30), daysBefore(5)];
    expect(rejected(when(seated, withNoShows(spread)).result)).toBe('accepted');
  });

  it('follows the settings given (limit, window, cooldown)', () => {
    const policy = { limit: 1, windowDays: 1, cooldownDays: 30, lateLeaveHours: 3 };
    expect(registrationBarredUntil([daysBefore(20)], now, policy)?.toISOString()).toBe(
      new Date(now.getTime() + 10 * DAY).toISOString(),
    );
    expect(registrationBarredUntil([daysBefore(40)], now, policy)).toBeNull();
  });
});

describe('RecordNotHeld and the host join', () => {
  it('a host who joined held the session: nothing is recorded a day after the end', () => {
    const late = recordNotHeld(atStart(END + 25 * HOUR));
    expect(when([...seated, joined(HOST)], late).result).toEqual([]);
    expect(when([...seated, joined('a')], late).result).toMatchObject([{ type: 'SessionNotHeld' }]);
  });
});
