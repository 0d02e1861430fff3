// The session decider, pure: seats, waitlist and reminders. Given past events, when a command arrives, then
// these events (or this rejection).
import { describe, expect, it } from 'vitest';
import {
  after,
  atStart,
  cancelled,
  complete,
  completed,
  full,
  given,
  HOST,
  hidden,
  host,
  isRejection,
  notHeld,
  promoted,
  recordNotHeld,
  register,
  registered,
  rejected,
  reminder,
  START,
  scheduled,
  unregister,
  waitlisted,
  when,
} from './decide.testing.ts';
import { decide } from './decide.ts';
import type { SessionEvent } from './events.ts';

const HOUR = 3600_000;

describe('Register', () => {
  it('gives seats up to the capacity, then waitlist places 1, 2, 3 in arrival order', () => {
    let history: SessionEvent[] = [scheduled(2)];
    const outcomes: SessionEvent[] = [];
    for (const m of ['a', 'b', 'c', 'd', 'e']) {
      const { result } = when(history, register(m));
      if (isRejection(result)) throw new Error(result.message);
      outcomes.push(...result);
      history = [...history, ...result];
    }
    expect(outcomes).toEqual([
      registered('a'),
      registered('b'),
      waitlisted('c', 1),
      waitlisted('d', 2),
      waitlisted('e', 3),
    ]);
    expect(given(...history)).toMatchObject({ registered: ['a', 'b'], waitlist: ['c', 'd', 'e'] });
  });

  it('refuses the host (forbidden)', () => {
    expect(rejected(when([scheduled()], register(HOST)).result)).toBe('forbidden');
  });

  it('refuses a second registration, seated or waiting (conflict)', () => {
    expect(rejected(when(full, register('a')).result)).toBe('conflict');
    expect(rejected(when(full, register('c')).result)).toBe('conflict');
  });

  it('refuses once the session has started, at the very start too', () => {
    expect(rejected(when([scheduled()], register('a', after)).result)).toBe('conflict');
    expect(rejected(when([scheduled()], register('a', new Date(START))).result)).toBe('conflict');
  });

  it('refuses a cancelled or completed session', () => {
    expect(rejected(when([scheduled(), cancelled], register('a')).result)).toBe('conflict');
    expect(rejected(when([scheduled(), completed], register('a')).result)).toBe('conflict');
  });

  it('lets a member who left come back, at the back of the queue', () => {
    const left: SessionEvent = {
      type: 'RegistrationCancelled',
      data: { sessionId: 's1', memberId: 'c', wasWaitlisted: true },
    };
    expect(when([...full, left], register('c')).result).toEqual([waitlisted('c', 2)]);
  });
});

describe('Unregister', () => {
  it('a seated member leaving frees the seat for the first waitlisted member', () => {
    const { result, after } = when(full, unregister('a'));
    expect(result).toEqual([
      { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'a', wasWaitlisted: false } },
      promoted('c'),
    ]);
    expect(after).toMatchObject({ registered: ['b', 'c'], waitlist: ['d'] });
  });

  it('a waitlisted member leaving promotes nobody, and the places behind them move up', () => {
    const { result, after } = when(full, unregister('c'));
    expect(result).toEqual([
      { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'c', wasWaitlisted: true } },
    ]);
    expect(after).toMatchObject({ registered: ['a', 'b'], waitlist: ['d'] });
    expect(decide(register('e'), after)).toEqual([waitlisted('e', 2)]);
  });

  it('with nobody waiting, the seat simply becomes free', () => {
    const { result, after } = when([scheduled(2), registered('a')], unregister('a'));
    expect(result).toHaveLength(1);
    expect(after.registered).toEqual([]);
  });

  it('after the start, leaving promotes nobody (and is a no-show: see attendance.test.ts)', () => {
    const { result } = when(full, unregister('a', after));
    expect(result).toEqual([
      { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'a', wasWaitlisted: false } },
      {
        type: 'NoShowsRecorded',
        data: { sessionId: 's1', memberIds: ['a'], startsAt: START, cause: 'left-late' },
      },
    ]);
  });

  it('refuses a member who is not in (conflict), and a cancelled session', () => {
    expect(rejected(when(full, unregister('zed')).result)).toBe('conflict');
    expect(rejected(when([...full, cancelled], unregister('a')).result)).toBe('conflict');
  });
});

describe('SendReminder', () => {
  const due = (kind: '24h' | '1h', memberIds: string[], startsAt = START): SessionEvent => ({
    type: 'ReminderDue',
    data: { sessionId: 's1', kind, startsAt, memberIds },
  });

  it('sends each reminder exactly once per start time, to the host and the registered (not the waitlist)', () => {
    const history = [scheduled(1), registered('a'), waitlisted('b', 1)];
    const first = when(history, reminder('24h'));
    expect(first.result).toEqual([due('24h', [HOST, 'a'])]);
    const sent = [...history, ...(first.result as SessionEvent[])];
    expect(when(sent, reminder('24h')).result).toEqual([]);
    expect(when(sent, reminder('1h', START, atStart(-HOUR))).result).toEqual([due('1h', [HOST, 'a'])]);
  });

  it('drops a reminder for a start time the session was moved away from, and sends one for the new time', () => {
    const NEW = '2026-12-03T18:00:00Z';
    const moved: SessionEvent = {
      type: 'SessionRescheduled',
      data: { sessionId: 's1', startsAt: NEW, durationMinutes: 60, previousStartsAt: START },
    };
    const history = [scheduled(), due('24h', [HOST]), moved];
    expect(when(history, reminder('24h', START)).result).toEqual([]);
    expect(when(history, reminder('24h', NEW)).result).toEqual([due('24h', [HOST], NEW)]);
  });

  it('sends nothing for a cancelled, completed or not-held session', () => {
    expect(when([scheduled(), cancelled], reminder('1h')).result).toEqual([]);
    expect(when([scheduled(), completed], reminder('1h')).result).toEqual([]);
    expect(when([scheduled(), notHeld([])], reminder('1h')).result).toEqual([]);
  });

  it('sends nothing once the session has started, however late the job runs (a restart)', () => {
    for (const now of [atStart(0), atStart(5 * 60_000), atStart(3 * HOUR)]) {
      expect(when([scheduled(), registered('a')], reminder('1h', START, now)).result).toEqual([]);
      expect(when([scheduled(), registered('a')], reminder('24h', START, now)).result).toEqual([]);
    }
  });

  it('sends a late 24-hour reminder only while more than an hour is left (else the 1-hour one is due)', () => {
    expect(when([scheduled()], reminder('24h', START, atStart(-2 * HOUR))).result).toEqual([
      due('24h', [HOST]),
    ]);
    expect(when([scheduled()], reminder('24h', START, atStart(-HOUR))).result).toEqual([]);
    expect(when([scheduled()], reminder('24h', START, atStart(-30 * 60_000))).result).toEqual([]);
  });
});

describe('late registrations and the 1-hour reminder', () => {
  const lateDue = (memberId: string): SessionEvent => ({
    type: 'ReminderDue',
    data: { sessionId: 's1', kind: '1h', startsAt: START, memberIds: [memberId] },
  });
  const jobSent: SessionEvent = {
    type: 'ReminderDue',
    data: { sessionId: 's1', kind: '1h', startsAt: START, memberIds: [HOST, 'a'] },
  };

  it('gives a member registering 30 minutes before the start the 1-hour reminder at once, and no 24-hour one', () => {
    const { result, after } = when(
      [scheduled(), registered('a'), jobSent],
      register('b', atStart(-30 * 60_000)),
    );
    expect(result).toEqual([
      { type: 'MemberRegistered', data: { sessionId: 's1', memberId: 'b' } },
      lateDue('b'),
    ]);
    // The job firing again afterwards (a second worker, a restart) reaches nobody twice.
    expect(
      when(
        [scheduled(), registered('a'), jobSent, ...(result as SessionEvent[])],
        reminder('1h', START, atStart(-20 * 60_000)),
      ).result,
    ).toEqual([]);
    expect(after.remindersSent).toContain('1h@2026-12-01T18:00:00Z#b');
  });

  it('leaves a member registering 3 hours before the start to the 1-hour job, which then reaches them', () => {
    const history = [scheduled(), registered('a')];
    const { result } = when(history, register('b', atStart(-3 * HOUR)));
    expect(result).toEqual([{ type: 'MemberRegistered', data: { sessionId: 's1', memberId: 'b' } }]);
    const later = [...history, ...(result as SessionEvent[])];
    expect(when(later, reminder('1h', START, atStart(-HOUR))).result).toEqual([
      {
        type: 'ReminderDue',
        data: { sessionId: 's1', kind: '1h', startsAt: START, memberIds: [HOST, 'a', 'b'] },
      },
    ]);
  });

  it('reminds a member registering in the last hour before the job has run once: the job leaves them out', () => {
    const history = [scheduled(), registered('a')];
    const { result } = when(history, register('b', atStart(-59 * 60_000)));
    const later = [...history, ...(result as SessionEvent[])];
    expect(when(later, reminder('1h', START, atStart(-58 * 60_000))).result).toEqual([
      { type: 'ReminderDue', data: { sessionId: 's1', kind: '1h', startsAt: START, memberIds: [HOST, 'a'] } },
    ]);
  });

  it('reminds a member who leaves and registers again in the last hour only once', () => {
    const history = [
      scheduled(),
      registered('b'),
      lateDue('b'),
      {
        type: 'RegistrationCancelled',
        data: { sessionId: 's1', memberId: 'b', wasWaitlisted: false },
      } as SessionEvent,
    ];
    expect(when(history, register('b', atStart(-10 * 60_000))).result).toEqual([
      { type: 'MemberRegistered', data: { sessionId: 's1', memberId: 'b' } },
    ]);
  });

  it('reminds a waitlisted member promoted in the last hour, when a seat frees', () => {
    const history = [scheduled(1), registered('a'), waitlisted('b', 1), jobSent];
    expect(when(history, unregister('a', atStart(-15 * 60_000), null)).result).toEqual([
      { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'a', wasWaitlisted: false } },
      { type: 'WaitlistPromoted', data: { sessionId: 's1', memberId: 'b' } },
      lateDue('b'),
    ]);
  });

  it('reminds nobody of a hidden session', () => {
    const history = [scheduled(), hidden];
    expect(rejected(when(history, register('b', atStart(-10 * 60_000))).result)).toBe('not_found');
    expect(when(history, reminder('1h', START, atStart(-HOUR))).result).toEqual([]);
  });
});

describe('RecordNotHeld (the host did not show)', () => {
  // The session of `details` starts at 18:00 for 60 minutes: it ends at 19:00, and counts as not held from
  // 19:00 the next day.
  const END = 60 * 60_000;

  it('records a session nobody completed a day after its end as not held, naming who was registered', () => {
    const { result, after } = when(
      [scheduled(2), registered('a'), registered('b'), waitlisted('c', 1)],
      recordNotHeld(atStart(END + 24 * HOUR)),
    );
    expect(result).toEqual([notHeld(['a', 'b'])]);
    expect(after.status).toBe('not_held');
  });

  it('does nothing before a day has passed since the end (the host may still complete it)', () => {
    const history = [scheduled(), registered('a')];
    expect(when(history, recordNotHeld(atStart(END + 24 * HOUR - 1))).result).toEqual([]);
    expect(rejected(when(history, complete(['a'], host, atStart(END + 23 * HOUR))).result)).toBe('accepted');
  });

  it('does nothing for a session completed, cancelled or already recorded as not held', () => {
    const late = recordNotHeld(atStart(END + 30 * HOUR));
    expect(when([scheduled(), completed], late).result).toEqual([]);
    expect(when([scheduled(), cancelled], late).result).toEqual([]);
    expect(when([scheduled(), notHeld([])], late).result).toEqual([]);
  });

  it('judges by the current time of a moved session: the job for its old time does nothing', () => {
    const moved: SessionEvent = {
      type: 'SessionRescheduled',
      data: {
        sessionId: 's1',
        startsAt: '2026-12-05T18:00:00Z',
        durationMinutes: 60,
        previousStartsAt: START,
      },
    };
    expect(when([scheduled(), moved], recordNotHeld(atStart(END + 24 * HOUR))).result).toEqual([]);
  });

  it('closes a not-held session: it can no longer be completed, cancelled or joined', () => {
    const history = [scheduled(), registered('a'), notHeld(['a'])];
    const now = atStart(END + 25 * HOUR);
    const completing = when(history, complete(['a'], host, now)).result;
    expect(completing).toMatchObject({ reason: 'conflict', message: 'This session is already not held.' });
    expect(rejected(when(history, { type: 'Cancel', data: { actor: host, reason: 'late' } }).result)).toBe(
      'conflict',
    );
    expect(rejected(when(history, register('b', now)).result)).toBe('conflict');
  });
});

describe('evolve', () => {
  it('ignores everything before SessionScheduled', () => {
    expect(given(registered('a'), cancelled)).toEqual({ status: 'none' });
  });

  it('a waitlisted member who leaves is off the waitlist; a promoted one is seated', () => {
    const left: SessionEvent = {
      type: 'RegistrationCancelled',
      data: { sessionId: 's1', memberId: 'a', wasWaitlisted: false },
    };
    expect(given(...full, left, promoted('c'))).toMatchObject({ registered: ['b', 'c'], waitlist: ['d'] });
  });
});
