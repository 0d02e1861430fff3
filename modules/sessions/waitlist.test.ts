// The session decider, pure: seats, waitlist and reminders. Given past events, when a command arrives, then
// these events (or this rejection).
import { describe, expect, it } from 'vitest';
import {
  after,
  cancelled,
  completed,
  full,
  given,
  HOST,
  isRejection,
  promoted,
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

  it('after the start, leaving promotes nobody', () => {
    const { result } = when(full, unregister('a', after));
    expect(result).toEqual([
      { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'a', wasWaitlisted: false } },
    ]);
  });

  it('refuses a member who is not in (conflict), and a cancelled session', () => {
    expect(rejected(when(full, unregister('zed')).result)).toBe('conflict');
    expect(rejected(when([...full, cancelled], unregister('a')).result)).toBe('conflict');
  });
});

describe('SendReminder', () => {
  it('sends each reminder exactly once per start time', () => {
    const first = when([scheduled()], reminder('24h'));
    expect(first.result).toEqual([
      { type: 'ReminderDue', data: { sessionId: 's1', kind: '24h', startsAt: START } },
    ]);
    const sent = [scheduled(), ...(first.result as SessionEvent[])];
    expect(when(sent, reminder('24h')).result).toEqual([]);
    expect(when(sent, reminder('1h')).result).toEqual([
      { type: 'ReminderDue', data: { sessionId: 's1', kind: '1h', startsAt: START } },
    ]);
  });

  it('drops a reminder for a start time the session was moved away from, and sends one for the new time', () => {
    const NEW = '2026-12-03T18:00:00Z';
    const moved: SessionEvent = {
      type: 'SessionRescheduled',
      data: { sessionId: 's1', startsAt: NEW, durationMinutes: 60, previousStartsAt: START },
    };
    const sentBefore: SessionEvent = {
      type: 'ReminderDue',
      data: { sessionId: 's1', kind: '24h', startsAt: START },
    };
    expect(when([scheduled(), sentBefore, moved], reminder('24h', START)).result).toEqual([]);
    expect(when([scheduled(), sentBefore, moved], reminder('24h', NEW)).result).toEqual([
      { type: 'ReminderDue', data: { sessionId: 's1', kind: '24h', startsAt: NEW } },
    ]);
  });

  it('sends nothing for a cancelled or completed session', () => {
    expect(when([scheduled(), cancelled], reminder('1h')).result).toEqual([]);
    expect(when([scheduled(), completed], reminder('1h')).result).toEqual([]);
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
