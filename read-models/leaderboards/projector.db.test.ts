import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import { leaderboardsProjector } from './projector.ts';

const spec = await projectorSpec(leaderboardsProjector);

const awarded = (memberId: string, points: number, skill: string, recordedAt: string) => ({
  type: 'PointsAwarded' as const,
  data: { memberId, points, reason: 'hosted' as const, ref: `s-${points}`, skill },
  recordedAt,
});

const history = [
  {
    type: 'MemberSignedUp' as const,
    data: {
      memberId: 'ana',
      displayName: 'Ana',
      email: 'ana@example.org',
      passwordHash: 'x',
      timezone: 'UTC',
    },
  },
  awarded('ana', 10, 'Baking', '2026-01-20T10:00:00.000Z'),
  awarded('ana', 5, '', '2026-02-03T10:00:00.000Z'),
  { type: 'ProfileUpdated' as const, data: { memberId: 'ana', displayName: 'Ana B.' } },
  awarded('ben', 3, 'baking', '2026-02-04T10:00:00.000Z'),
  {
    type: 'PointsWithdrawn' as const,
    data: {
      memberId: 'ana',
      points: 10,
      reason: 'hosted' as const,
      ref: 's-10',
      skill: 'Baking',
      awardedAt: '2026-01-20T10:00:00.000Z',
      cause: 'x:1',
    },
    recordedAt: '2026-02-05T10:00:00.000Z',
  },
  { type: 'MemberDeleted' as const, data: { memberId: 'ben' } },
];

describe('leaderboards', () => {
  it('adds points up per member, all time and per month, overall and per skill; taken back from their month', async () => {
    await spec.reset();
    await spec.given(history);
    expect(
      await spec.rows(
        'SELECT member_id, period, skill_key, points FROM leaderboard_points ORDER BY member_id, period, skill_key',
      ),
    ).toEqual([
      { member_id: 'ana', period: '2026-01', skill_key: '', points: 0 },
      { member_id: 'ana', period: '2026-01', skill_key: 'baking', points: 0 },
      { member_id: 'ana', period: '2026-02', skill_key: '', points: 5 },
      { member_id: 'ana', period: 'all', skill_key: '', points: 5 },
      { member_id: 'ana', period: 'all', skill_key: 'baking', points: 0 },
      { member_id: 'ben', period: '2026-02', skill_key: '', points: 3 },
      { member_id: 'ben', period: '2026-02', skill_key: 'baking', points: 3 },
      { member_id: 'ben', period: 'all', skill_key: '', points: 3 },
      { member_id: 'ben', period: 'all', skill_key: 'baking', points: 3 },
    ]);
    expect(await spec.rows('SELECT member_id, display_name FROM leaderboard_people ORDER BY 1')).toEqual([
      { member_id: 'ana', display_name: 'Ana B.' },
      { member_id: 'ben', display_name: 'Deleted member' },
    ]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(history);
    expect(oneByOne).toEqual(batched);
  });
});
