// The pure rules of suspensions: who may suspend whom, ends in the future only, and the end lifting it once.
import { describe, expect, it } from 'vitest';
import {
  decideSuspension,
  evolveSuspension,
  initialSuspension,
  type Suspension,
  type SuspensionCommand,
} from './decide.ts';

const reason = (result: unknown) =>
  Array.isArray(result) ? 'accepted' : (result as { reason: string }).reason;

describe('decideSuspension', () => {
  const now = new Date('2026-05-01T12:00:00Z');
  const suspended = (until: string | null = null): Suspension =>
    evolveSuspension(initialSuspension, {
      type: 'MemberSuspended',
      data: { memberId: 'bob', reason: 'spam', moderatorId: 'mo', forSpam: false, until },
    });
  const suspend = (
    over: Partial<Extract<SuspensionCommand, { type: 'Suspend' }>['data']> = {},
  ): SuspensionCommand => ({
    type: 'Suspend',
    data: {
      memberId: 'bob',
      reason: 'spam',
      moderatorId: 'mo',
      byAdmin: false,
      memberIsStaff: false,
      forSpam: false,
      until: null,
      ...over,
    },
    now,
  });
  const unsuspend = (
    over: Partial<Extract<SuspensionCommand, { type: 'Unsuspend' }>['data']> = {},
  ): SuspensionCommand => ({
    type: 'Unsuspend',
    data: {
      memberId: 'bob',
      note: 'appeal granted',
      moderatorId: 'mo',
      byAdmin: false,
      memberIsStaff: false,
      ...over,
    },
  });
  const end = (until: string): SuspensionCommand => ({
    type: 'EndSuspension',
    data: { memberId: 'bob', until },
  });

  it('given an active member, when suspended, then MemberSuspended with the spam flag and end as given', () => {
    const until = '2026-05-08T12:00:00.000Z';
    expect(decideSuspension(suspend({ forSpam: true, until }), initialSuspension)).toEqual([
      {
        type: 'MemberSuspended',
        data: { memberId: 'bob', reason: 'spam', moderatorId: 'mo', forSpam: true, until },
      },
    ]);
    expect(reason(decideSuspension(suspend(), suspended()))).toBe('conflict');
  });

  it('given an end that is not in the future, then 400 on until', () => {
    for (const until of ['2026-05-01T12:00:00.000Z', '2020-01-01T00:00:00.000Z']) {
      expect(decideSuspension(suspend({ until }), initialSuspension)).toMatchObject({
        reason: 'validation_failed',
        details: [{ path: 'until', message: 'must be in the future' }],
      });
    }
  });

  it('given a moderator, when they suspend or unsuspend a moderator or an admin, then 403; an admin may', () => {
    expect(reason(decideSuspension(suspend({ memberIsStaff: true }), initialSuspension))).toBe('forbidden');
    expect(reason(decideSuspension(unsuspend({ memberIsStaff: true }), suspended()))).toBe('forbidden');
    expect(reason(decideSuspension(suspend({ memberIsStaff: true, byAdmin: true }), initialSuspension))).toBe(
      'accepted',
    );
    expect(reason(decideSuspension(unsuspend({ memberIsStaff: true, byAdmin: true }), suspended()))).toBe(
      'accepted',
    );
  });

  it('given anyone, admins included, when they suspend or unsuspend themselves, then 403', () => {
    const self = { memberId: 'mo', byAdmin: true, memberIsStaff: true };
    expect(reason(decideSuspension(suspend(self), initialSuspension))).toBe('forbidden');
    expect(reason(decideSuspension(unsuspend(self), suspended()))).toBe('forbidden');
  });

  it('given a suspended member, when unsuspended, then MemberUnsuspended; when not suspended, then 409', () => {
    expect(decideSuspension(unsuspend(), suspended())).toEqual([
      { type: 'MemberUnsuspended', data: { memberId: 'bob', note: 'appeal granted', moderatorId: 'mo' } },
    ]);
    expect(reason(decideSuspension(unsuspend(), initialSuspension))).toBe('conflict');
  });

  it('given a suspension with an end, when its end comes, then the system lifts it, once', () => {
    const until = '2026-05-08T12:00:00.000Z';
    const result = decideSuspension(end(until), suspended(until));
    expect(result).toEqual([
      {
        type: 'MemberUnsuspended',
        data: { memberId: 'bob', note: 'The suspension ended.', moderatorId: null },
      },
    ]);
    const lifted = (result as Parameters<typeof evolveSuspension>[1][]).reduce(
      evolveSuspension,
      suspended(until),
    );
    expect(decideSuspension(end(until), lifted)).toEqual([]);
  });

  it('given a suspension lifted early or replaced by another, when the old end comes, then nothing happens', () => {
    expect(decideSuspension(end('2026-05-08T12:00:00.000Z'), initialSuspension)).toEqual([]);
    expect(decideSuspension(end('2026-05-08T12:00:00.000Z'), suspended(null))).toEqual([]);
    expect(decideSuspension(end('2026-05-08T12:00:00.000Z'), suspended('2026-06-01T00:00:00.000Z'))).toEqual(
      [],
    );
  });
});
