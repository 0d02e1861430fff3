// The session decider on a swap's session: for the partner only, capacity 1, not copied, whoever asks.
import { describe, expect, it } from 'vitest';
import {
  before,
  clone,
  details,
  edit,
  HOST,
  register,
  registered,
  rejected,
  unregister,
  when,
} from './decide.testing.ts';
import type { SessionCommand } from './decide.ts';
import type { SessionEvent } from './events.ts';

const swap = { swapId: 'sw1', partnerId: 'ben' };
const scheduleForBen: SessionCommand = {
  type: 'Schedule',
  data: { sessionId: 's1', hostId: HOST, details, seriesId: null, clonedFrom: null, swap },
  now: before,
};
const scheduled: SessionEvent = {
  type: 'SessionScheduled',
  data: { ...details, capacity: 1, sessionId: 's1', seriesId: null, clonedFrom: null, swap },
};

describe('a session inside a swap', () => {
  it('is scheduled with capacity 1 and its partner registered in the same decision', () => {
    const { result, after } = when([], scheduleForBen);
    expect(result).toEqual([scheduled, registered('ben')]);
    expect(after).toMatchObject({ capacity: 1, registered: ['ben'], swap });
  });

  it('cannot be for its own host', () => {
    const forHost = {
      ...scheduleForBen,
      data: { ...scheduleForBen.data, swap: { swapId: 'sw1', partnerId: HOST } },
    };
    expect(rejected(when([], forHost).result)).toBe('forbidden');
  });

  it('does not exist for any other member who tries to register', () => {
    expect(rejected(when([scheduled], register('cleo')).result)).toBe('not_found');
  });

  it('takes its partner back after they left it', () => {
    const history = [scheduled, registered('ben')];
    const left = when(history, unregister('ben'));
    expect(rejected(left.result)).toBe('accepted');
    expect(rejected(when([...history, ...(left.result as SessionEvent[])], register('ben')).result)).toBe(
      'accepted',
    );
  });

  it('keeps capacity 1 through an edit, and accepts other changes', () => {
    const history = [scheduled, registered('ben')];
    expect(rejected(when(history, edit({ capacity: 5 })).result)).toBe('conflict');
    expect(rejected(when(history, edit({ title: 'Sourdough, part two' })).result)).toBe('accepted');
  });

  it('is not copied into a public session', () => {
    expect(rejected(when([scheduled, registered('ben')], clone('s2')).result)).toBe('conflict');
  });
});
