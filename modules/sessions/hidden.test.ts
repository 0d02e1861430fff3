// The session decider on a session that moderation hid: it is gone for members (no registering), and its host can
// neither edit nor copy it, whoever asks and by whatever path; once restored, all of it works again.
import { describe, expect, it } from 'vitest';
import {
  before,
  clone,
  edit,
  hidden,
  host,
  register,
  registered,
  rejected,
  reminder,
  scheduled,
  stranger,
  unhidden,
  unregister,
  when,
} from './decide.testing.ts';

const HIDDEN_MESSAGE = 'A moderator hid this session; it cannot be edited or copied.';

describe('a hidden session', () => {
  it('refuses a registration as if the session did not exist (not_found)', () => {
    const { result } = when([scheduled(), hidden], register('a'));
    expect(result).toEqual({ reason: 'not_found', message: 'That session was not found.' });
  });

  it('refuses an edit by its host (conflict, saying a moderator hid it)', () => {
    const { result } = when([scheduled(), hidden], edit({ title: 'Same scam, new title' }));
    expect(result).toEqual({ reason: 'conflict', message: HIDDEN_MESSAGE });
  });

  it('refuses a clone by its host (conflict, saying a moderator hid it)', () => {
    const { result } = when([scheduled(), hidden], clone('s2'));
    expect(result).toEqual({ reason: 'conflict', message: HIDDEN_MESSAGE });
  });

  it('still tells a stranger that only the host may edit or clone it (forbidden comes first)', () => {
    expect(rejected(when([scheduled(), hidden], edit({ title: 'x' }, stranger)).result)).toBe('forbidden');
    expect(rejected(when([scheduled(), hidden], clone('s2', stranger)).result)).toBe('forbidden');
  });

  it('sends no reminders: they would carry its meeting link to the members registered', () => {
    expect(when([scheduled(), registered('a'), hidden], reminder('24h')).result).toEqual([]);
  });

  it('lets a registered member leave it', () => {
    expect(rejected(when([scheduled(), registered('a'), hidden], unregister('a')).result)).toBe('accepted');
  });

  it('once restored, takes registrations, edits and clones again', () => {
    const history = [scheduled(), hidden, unhidden];
    expect(rejected(when(history, register('a')).result)).toBe('accepted');
    expect(rejected(when(history, edit({ title: 'Fixed title' })).result)).toBe('accepted');
    expect(rejected(when(history, clone('s2')).result)).toBe('accepted');
  });
});

describe('Clone', () => {
  it('schedules a copy with a new id and start, pointing back at its source', () => {
    const startsAt = '2026-12-08T18:00:00Z';
    const { result } = when([scheduled()], clone('s2', host, startsAt));
    expect(result).toEqual([
      {
        type: 'SessionScheduled',
        data: expect.objectContaining({
          sessionId: 's2',
          hostId: 'host-1',
          title: 'Intro to sourdough',
          startsAt,
          seriesId: null,
          clonedFrom: 's1',
        }),
      },
    ]);
  });

  it('refuses a start in the past (validation_failed on startsAt) and an unknown source (not_found)', () => {
    const { result } = when([scheduled()], clone('s2', host, '2026-11-01T10:00:00Z'));
    expect(result).toMatchObject({ reason: 'validation_failed', details: [{ path: 'startsAt' }] });
    expect(rejected(when([], clone('s2')).result)).toBe('not_found');
  });

  it('is refused for a hidden source even when the copy would start in the past (hidden comes first)', () => {
    expect(rejected(when([scheduled(), hidden], clone('s2', host, before.toISOString())).result)).toBe(
      'conflict',
    );
  });
});
