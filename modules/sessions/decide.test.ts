// The session decider, pure: given past events, when a command arrives, then these events (or this rejection).
// Hosting: Schedule, Edit, Cancel, Complete. Seats and reminders are in waitlist.test.ts.
import { describe, expect, it } from 'vitest';
import {
  after,
  before,
  cancelled,
  complete,
  completed,
  details,
  edit,
  full,
  HOST,
  host,
  isRejection,
  MOD,
  promoted,
  register,
  registered,
  rejected,
  START,
  schedule,
  scheduled,
  stranger,
  waitlisted,
  when,
} from './decide.testing.ts';
import type { SessionCommand } from './decide.ts';

describe('Schedule', () => {
  it('schedules a future session: scheduled, empty seats and waitlist', () => {
    const { result, after } = when([], schedule(before));
    expect(result).toEqual([
      {
        type: 'SessionScheduled',
        data: { ...details, sessionId: 's1', seriesId: null, clonedFrom: null, swap: null },
      },
    ]);
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
    expect(rejected(when([], { type: 'Cancel', data: { actor: host, reason: 'x' } }).result)).toBe(
      'not_found',
    );
  });
});

describe('Edit', () => {
  it('is for the host only: others, moderators included, get forbidden', () => {
    expect(rejected(when([scheduled()], edit({ title: 'Mine now' }, stranger)).result)).toBe('forbidden');
    expect(rejected(when([scheduled()], edit({ title: 'Mine now' }, MOD)).result)).toBe('forbidden');
  });

  it('changes only the fields that differ', () => {
    const { result, after } = when(
      [scheduled()],
      edit({ title: 'Rye bread', skill: 'Baking', difficulty: 'advanced' }),
    );
    expect(result).toEqual([
      {
        type: 'SessionDetailsChanged',
        data: { sessionId: 's1', title: 'Rye bread', difficulty: 'advanced' },
      },
    ]);
    expect(after).toMatchObject({ title: 'Rye bread', difficulty: 'advanced', skill: 'Baking', capacity: 2 });
  });

  it('emits nothing when nothing changes', () => {
    expect(when([scheduled()], edit({ title: details.title, startsAt: START })).result).toEqual([]);
  });

  it('the same instant written another way is no reschedule', () => {
    for (const startsAt of ['2026-12-01T18:00:00.000Z', '2026-12-01T19:00:00+01:00']) {
      expect(when([scheduled()], edit({ startsAt })).result).toEqual([]);
    }
  });

  it('reschedules to a future time, remembering the previous start', () => {
    const { result, after } = when(
      [scheduled()],
      edit({ startsAt: '2026-12-02T18:00:00Z', durationMinutes: 90 }),
    );
    expect(result).toEqual([
      {
        type: 'SessionRescheduled',
        data: {
          sessionId: 's1',
          startsAt: '2026-12-02T18:00:00Z',
          durationMinutes: 90,
          previousStartsAt: START,
        },
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
      {
        type: 'SessionCancelled',
        data: { sessionId: 's1', reason: 'Snowed in', cancelledBy: HOST, byModerator: false },
      },
    ]);
    expect(after.status).toBe('cancelled');
  });

  it('a moderator cancels, recorded as by a moderator', () => {
    const { result } = when([scheduled()], cancel(MOD));
    expect(result).toEqual([
      {
        type: 'SessionCancelled',
        data: { sessionId: 's1', reason: 'Snowed in', cancelledBy: 'mod-1', byModerator: true },
      },
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

  it('refuses while the session is still running, and accepts from its end (start plus duration)', () => {
    const running = when(full, complete(undefined, host, after)).result;
    expect(running).toMatchObject({
      reason: 'conflict',
      message: expect.stringContaining('once it has ended'),
    });
    const lastMinute = new Date(Date.parse(START) + 59 * 60_000);
    expect(rejected(when(full, complete(undefined, host, lastMinute)).result)).toBe('conflict');
    expect(
      when(full, complete(undefined, host, new Date(Date.parse(START) + 60 * 60_000))).result,
    ).toMatchObject([{ type: 'SessionCompleted' }]);
  });

  it('is for the host only, not even a moderator', () => {
    expect(rejected(when(full, complete(undefined, MOD)).result)).toBe('forbidden');
    expect(rejected(when(full, complete(undefined, stranger)).result)).toBe('forbidden');
  });

  it('defaults the attendees to everyone registered (not the waitlist)', () => {
    const { result, after } = when(full, complete());
    expect(result).toEqual([
      {
        type: 'SessionCompleted',
        data: {
          sessionId: 's1',
          hostId: HOST,
          skill: 'Baking',
          attendeeIds: ['a', 'b'],
          startsAt: START,
          durationMinutes: 60,
        },
      },
    ]);
    expect(after).toMatchObject({ status: 'completed', attendees: ['a', 'b'] });
  });

  it('takes an explicit subset, duplicates collapsed; the registered left out are no-shows', () => {
    const { result } = when(full, complete(['b', 'b']));
    expect(result).toMatchObject([
      { type: 'SessionCompleted', data: { attendeeIds: ['b'] } },
      { type: 'NoShowsRecorded', data: { memberIds: ['a'], cause: 'absent' } },
    ]);
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
