// The session decider, pure: given past events, when a command arrives, then these events (or this rejection).
import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../infra/event-store/index.ts';
import { decide, type SessionCommand } from './decide.ts';
import { evolve, initialSession, type Session, type SessionDetails, type SessionEvent } from './session.ts';

const HOST = 'host-1';
const MOD = { memberId: 'mod-1', isModerator: true };
const host = { memberId: HOST, isModerator: false };
const stranger = { memberId: 'stranger', isModerator: false };
const START = '2026-12-01T18:00:00Z';
const before = new Date('2026-11-30T12:00:00Z');
const after = new Date('2026-12-01T18:05:00Z');

const details: SessionDetails = {
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

const scheduled = (capacity = 2): SessionEvent => ({
  type: 'SessionScheduled',
  data: { ...details, capacity, sessionId: 's1', seriesId: null, clonedFrom: null },
});
const registered = (memberId: string): SessionEvent => ({ type: 'MemberRegistered', data: { sessionId: 's1', memberId } });
const waitlisted = (memberId: string, position: number): SessionEvent => ({
  type: 'MemberWaitlisted',
  data: { sessionId: 's1', memberId, position },
});
const promoted = (memberId: string): SessionEvent => ({ type: 'WaitlistPromoted', data: { sessionId: 's1', memberId } });
const cancelled: SessionEvent = {
  type: 'SessionCancelled',
  data: { sessionId: 's1', reason: 'ill', cancelledBy: HOST, byModerator: false },
};
const completed: SessionEvent = {
  type: 'SessionCompleted',
  data: { sessionId: 's1', hostId: HOST, skill: 'Baking', attendeeIds: [] },
};
/** A session of capacity 2 with a and b in, c and d waiting. */
const full = [scheduled(2), registered('a'), registered('b'), waitlisted('c', 1), waitlisted('d', 2)];

const given = (...events: SessionEvent[]): Session => events.reduce(evolve, initialSession);
const isRejection = (r: SessionEvent[] | Rejection): r is Rejection => !Array.isArray(r);

function when(history: SessionEvent[], command: SessionCommand) {
  const state = given(...history);
  const result = decide(command, state);
  const after = isRejection(result) ? state : result.reduce(evolve, state);
  return { result, after: after as Extract<Session, { id: string }> };
}
const rejected = (result: SessionEvent[] | Rejection) => (isRejection(result) ? result.reason : 'accepted');

const register = (memberId: string, now = before): SessionCommand => ({ type: 'Register', data: { memberId }, now });
const unregister = (memberId: string, now = before): SessionCommand => ({ type: 'Unregister', data: { memberId }, now });
const edit = (changes: Partial<SessionDetails>, actor = host, now = before): SessionCommand => ({
  type: 'Edit',
  data: { actor, changes },
  now,
});
const complete = (attendeeIds?: string[], actor = host, now = after): SessionCommand => ({
  type: 'Complete',
  data: { actor, attendeeIds },
  now,
});
const schedule = (now: Date): SessionCommand => ({
  type: 'Schedule',
  data: { sessionId: 's1', hostId: HOST, details, seriesId: null, clonedFrom: null },
  now,
});
const reminder = (kind: '24h' | '1h', startsAt = START): SessionCommand => ({ type: 'SendReminder', data: { kind, startsAt } });

describe('Schedule', () => {
  it('schedules a future session: scheduled, empty seats and waitlist', () => {
    const { result, after } = when([], schedule(before));
    expect(result).toEqual([{ type: 'SessionScheduled', data: { ...details, sessionId: 's1', seriesId: null, clonedFrom: null } }]);
    expect(after).toMatchObject({ status: 'scheduled', id: 's1', registered: [], waitlist: [], capacity: 2 });
  });

  it('refuses a start in the past or right now (validation_failed on startsAt)', () => {
    for (const now of [after, new Date(START)]) {
      const { result } = when([], schedule(now));
      expect(result).toMatchObject({ reason: 'validation_failed', details: [{ path: 'startsAt' }] });
    }
  });

  it('refuses to schedule the same session twice', () => {
    expect(rejected(when([scheduled()], schedule(before)).result)).toBe('conflict');
  });

  it('answers not_found to any other command on a session that does not exist', () => {
    expect(rejected(when([], register('a')).result)).toBe('not_found');
    expect(rejected(when([], { type: 'Cancel', data: { actor: host, reason: 'x' } }).result)).toBe('not_found');
  });
});

describe('Edit', () => {
  it('is for the host only: others, moderators included, get forbidden', () => {
    expect(rejected(when([scheduled()], edit({ title: 'Mine now' }, stranger)).result)).toBe('forbidden');
    expect(rejected(when([scheduled()], edit({ title: 'Mine now' }, MOD)).result)).toBe('forbidden');
  });

  it('changes only the fields that differ', () => {
    const { result, after } = when([scheduled()], edit({ title: 'Rye bread', skill: 'Baking', difficulty: 'advanced' }));
    expect(result).toEqual([{ type: 'SessionDetailsChanged', data: { sessionId: 's1', title: 'Rye bread', difficulty: 'advanced' } }]);
    expect(after).toMatchObject({ title: 'Rye bread', difficulty: 'advanced', skill: 'Baking', capacity: 2 });
  });

  it('emits nothing when nothing changes', () => {
    expect(when([scheduled()], edit({ title: details.title, startsAt: START })).result).toEqual([]);
  });

  it('reschedules to a future time, remembering the previous start', () => {
    const { result, after } = when([scheduled()], edit({ startsAt: '2026-12-02T18:00:00Z', durationMinutes: 90 }));
    expect(result).toEqual([
      {
        type: 'SessionRescheduled',
        data: { sessionId: 's1', startsAt: '2026-12-02T18:00:00Z', durationMinutes: 90, previousStartsAt: START },
      },
    ]);
    expect(after).toMatchObject({ startsAt: '2026-12-02T18:00:00Z', durationMinutes: 90 });
  });

  it('refuses to reschedule into the past', () => {
    const { result } = when([scheduled()], edit({ startsAt: '2026-11-01T18:00:00Z' }));
    expect(result).toMatchObject({ reason: 'validation_failed', details: [{ path: 'startsAt' }] });
  });

  it('refuses a capacity below the registered count (conflict), accepts exactly the registered count', () => {
    const history = [scheduled(3), registered('a'), registered('b')];
    expect(rejected(when(history, edit({ capacity: 1 })).result)).toBe('conflict');
    expect(when(history, edit({ capacity: 2 })).result).toEqual([
      { type: 'SessionDetailsChanged', data: { sessionId: 's1', capacity: 2 } },
    ]);
  });

  it('raising the capacity promotes waitlisted members in arrival order, one per new seat', () => {
    const history = [...full, waitlisted('e', 3)];
    const { result, after } = when(history, edit({ capacity: 4 }));
    expect(result).toEqual([
      { type: 'SessionDetailsChanged', data: { sessionId: 's1', capacity: 4 } },
      promoted('c'),
      promoted('d'),
    ]);
    expect(after.registered).toEqual(['a', 'b', 'c', 'd']);
    expect(after.waitlist).toEqual(['e']);
  });

  it('raising the capacity beyond the waitlist promotes everyone waiting and no more', () => {
    const { after } = when(full, edit({ capacity: 10 }));
    expect(after.registered).toEqual(['a', 'b', 'c', 'd']);
    expect(after.waitlist).toEqual([]);
  });

  it('refuses edits to a cancelled, completed or started session', () => {
    expect(rejected(when([scheduled(), cancelled], edit({ title: 'Again' })).result)).toBe('conflict');
    expect(rejected(when([scheduled(), completed], edit({ title: 'Again' })).result)).toBe('conflict');
    expect(rejected(when([scheduled()], edit({ title: 'Again' }, host, after)).result)).toBe('conflict');
  });
});

describe('Cancel', () => {
  const cancel = (actor: { memberId: string; isModerator: boolean }): SessionCommand => ({
    type: 'Cancel',
    data: { actor, reason: 'Snowed in' },
  });

  it('the host cancels', () => {
    const { result, after } = when([scheduled()], cancel(host));
    expect(result).toEqual([
      { type: 'SessionCancelled', data: { sessionId: 's1', reason: 'Snowed in', cancelledBy: HOST, byModerator: false } },
    ]);
    expect(after.status).toBe('cancelled');
  });

  it('a moderator cancels, recorded as by a moderator', () => {
    const { result } = when([scheduled()], cancel(MOD));
    expect(result).toEqual([
      { type: 'SessionCancelled', data: { sessionId: 's1', reason: 'Snowed in', cancelledBy: 'mod-1', byModerator: true } },
    ]);
  });

  it('anyone else is forbidden', () => {
    expect(rejected(when([scheduled()], cancel(stranger)).result)).toBe('forbidden');
  });

  it('cannot cancel twice, nor a completed session', () => {
    expect(rejected(when([scheduled(), cancelled], cancel(host)).result)).toBe('conflict');
    expect(rejected(when([scheduled(), completed], cancel(MOD)).result)).toBe('conflict');
  });
});

describe('Complete', () => {
  it('refuses before the start (conflict)', () => {
    expect(rejected(when(full, complete(undefined, host, before)).result)).toBe('conflict');
  });

  it('is for the host only, not even a moderator', () => {
    expect(rejected(when(full, complete(undefined, MOD)).result)).toBe('forbidden');
    expect(rejected(when(full, complete(undefined, stranger)).result)).toBe('forbidden');
  });

  it('defaults the attendees to everyone registered (not the waitlist)', () => {
    const { result, after } = when(full, complete());
    expect(result).toEqual([
      { type: 'SessionCompleted', data: { sessionId: 's1', hostId: HOST, skill: 'Baking', attendeeIds: ['a', 'b'] } },
    ]);
    expect(after).toMatchObject({ status: 'completed', attendees: ['a', 'b'] });
  });

  it('takes an explicit subset, duplicates collapsed', () => {
    const { result } = when(full, complete(['b', 'b']));
    expect(result).toMatchObject([{ type: 'SessionCompleted', data: { attendeeIds: ['b'] } }]);
  });

  it('refuses an attendee who is not registered (validation_failed naming them), waitlisted included', () => {
    const { result } = when(full, complete(['a', 'c', 'zed']));
    expect(result).toMatchObject({ reason: 'validation_failed', details: [{ path: 'attendeeIds' }] });
    expect(isRejection(result) && result.details?.[0]?.message).toMatch(/c, zed/);
  });

  it('cannot complete a cancelled or already completed session', () => {
    expect(rejected(when([...full, cancelled], complete()).result)).toBe('conflict');
    expect(rejected(when([...full, completed], complete()).result)).toBe('conflict');
  });
});

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
    expect(outcomes).toEqual([registered('a'), registered('b'), waitlisted('c', 1), waitlisted('d', 2), waitlisted('e', 3)]);
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
    const left: SessionEvent = { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'c', wasWaitlisted: true } };
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
    expect(result).toEqual([{ type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'c', wasWaitlisted: true } }]);
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
    expect(result).toEqual([{ type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'a', wasWaitlisted: false } }]);
  });

  it('refuses a member who is not in (conflict), and a cancelled session', () => {
    expect(rejected(when(full, unregister('zed')).result)).toBe('conflict');
    expect(rejected(when([...full, cancelled], unregister('a')).result)).toBe('conflict');
  });
});

describe('SendReminder', () => {
  it('sends each reminder exactly once per start time', () => {
    const first = when([scheduled()], reminder('24h'));
    expect(first.result).toEqual([{ type: 'ReminderDue', data: { sessionId: 's1', kind: '24h', startsAt: START } }]);
    const sent = [scheduled(), ...(first.result as SessionEvent[])];
    expect(when(sent, reminder('24h')).result).toEqual([]);
    expect(when(sent, reminder('1h')).result).toEqual([{ type: 'ReminderDue', data: { sessionId: 's1', kind: '1h', startsAt: START } }]);
  });

  it('drops a reminder for a start time the session was moved away from, and sends one for the new time', () => {
    const NEW = '2026-12-03T18:00:00Z';
    const moved: SessionEvent = {
      type: 'SessionRescheduled',
      data: { sessionId: 's1', startsAt: NEW, durationMinutes: 60, previousStartsAt: START },
    };
    const sentBefore: SessionEvent = { type: 'ReminderDue', data: { sessionId: 's1', kind: '24h', startsAt: START } };
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
    const left: SessionEvent = { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'a', wasWaitlisted: false } };
    expect(given(...full, left, promoted('c'))).toMatchObject({ registered: ['b', 'c'], waitlist: ['d'] });
  });
});
