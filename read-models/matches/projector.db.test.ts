import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import { matchesProjector } from './projector.ts';

const spec = await projectorSpec(matchesProjector);
const members = () =>
  spec.rows('SELECT member_id, teach_keys, learn_keys, listed FROM match_members ORDER BY member_id');
const signedUp = (memberId: string, at: string) => ({
  type: 'MemberSignedUp' as const,
  data: { memberId, email: '', displayName: memberId, passwordHash: '', timezone: 'UTC' },
  recordedAt: at,
});
const lastActive = () => spec.rows('SELECT member_id, last_active_at FROM match_members ORDER BY member_id');

describe('the matches read model', () => {
  it('keys each member’s skills as identity does, the last change in a run winning, field by field', async () => {
    await spec.given([signedUp('ana', '2026-01-01T00:00:00Z'), signedUp('ben', '2026-01-01T00:00:00Z')]);
    await spec.given([
      {
        type: 'ProfileUpdated',
        data: { memberId: 'ana', skillsToTeach: ['TypeScript', ' Machine  Learning '] },
      },
      { type: 'ProfileUpdated', data: { memberId: 'ana', skillsToLearn: ['Guitar'] } },
      {
        type: 'ProfileUpdated',
        data: { memberId: 'ben', skillsToTeach: ['Guitar'], skillsToLearn: ['Chess'] },
      },
      { type: 'ProfileUpdated', data: { memberId: 'ben', skillsToLearn: ['typescript'] } },
    ]);
    expect(await members()).toEqual([
      {
        member_id: 'ana',
        teach_keys: ['typescript', 'machine learning'],
        learn_keys: ['guitar'],
        listed: true,
      },
      { member_id: 'ben', teach_keys: ['guitar'], learn_keys: ['typescript'], listed: true },
    ]);
  });

  it('knows when each member last did something: the latest event they were the actor of', async () => {
    const swap = { swapId: 's', proposerId: 'ben', receiverId: 'ana' };
    await spec.given([
      { type: 'SwapAccepted', data: swap, metadata: { actorId: 'ana' }, recordedAt: '2026-02-03T00:00:00Z' },
      { type: 'SwapWithdrawn', data: swap, metadata: { actorId: 'ben' }, recordedAt: '2026-02-02T00:00:00Z' },
      { type: 'SwapDeclined', data: swap, metadata: { actorId: 'ana' }, recordedAt: '2026-02-01T00:00:00Z' },
      // What the system does (actorId null) is nobody's activity.
      { type: 'SwapDeclined', data: swap, metadata: { actorId: null }, recordedAt: '2026-03-01T00:00:00Z' },
    ]);
    expect(await lastActive()).toEqual([
      { member_id: 'ana', last_active_at: new Date('2026-02-03T00:00:00Z') },
      { member_id: 'ben', last_active_at: new Date('2026-02-02T00:00:00Z') },
    ]);
  });

  it('stops listing a suspended member until the suspension ends, and forgets a deleted one', async () => {
    await spec.given([
      {
        type: 'MemberSuspended',
        data: { memberId: 'ana', reason: 'spam', moderatorId: 'm', forSpam: false, until: null },
      },
      {
        type: 'MemberSuspended',
        data: { memberId: 'ben', reason: 'spam', moderatorId: 'm', forSpam: false, until: null },
      },
      { type: 'MemberUnsuspended', data: { memberId: 'ben', note: 'ok', moderatorId: 'm' } },
    ]);
    expect((await members()).map((m) => [m.member_id, m.listed])).toEqual([
      ['ana', false],
      ['ben', true],
    ]);
    await spec.given([{ type: 'MemberDeleted', data: { memberId: 'ana' } }]);
    expect((await members()).map((m) => m.member_id)).toEqual(['ben']);
  });
});
