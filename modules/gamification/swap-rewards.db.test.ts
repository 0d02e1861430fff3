// Swaps in points and badges: each completed swap (SwapCompleted, appended here as the swaps module would) gives
// both of its members POINTS.swapped, in the skill each taught, once however often the fact comes again; the
// first completed swap earns "First swap", the fifth "Five swaps".
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { POINTS, SWAP_BADGES } from './rules.ts';
import { board, type Member, member, profileOf, untilCaughtUp } from './testing.ts';

let app: Platform;
let ana: Member, ben: Member;

/** A swap between the two, proposed and completed; `completions` SwapCompleted events (a repeated fact). */
async function completedSwap(proposer: Member, receiver: Member, completions = 1) {
  const swapId = randomUUID();
  const parties = { swapId, proposerId: proposer.id, receiverId: receiver.id };
  const completed = { type: 'SwapCompleted', data: { ...parties, sessionIds: ['s1', 's2'] } };
  await app.store.append(
    `swap-${swapId}`,
    0,
    [
      {
        type: 'SwapProposed',
        data: {
          ...parties,
          offerSkill: 'Baking',
          wantSkill: 'Guitar',
          message: 'Shall we?',
          expiresAt: '2099-01-01T00:00:00.000Z',
        },
      },
      ...Array.from({ length: completions }, () => completed),
    ],
    { metadata: { actorId: null } },
  );
  await untilCaughtUp(app);
  return swapId;
}

const summary = async (m: Member) => {
  const p = await profileOf(app, m.id);
  return { points: p.reputation.points, badges: p.badges.map((b) => b.key).sort() };
};

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  ana = await member(app, 'Ana');
  ben = await member(app, 'Ben');
});

describe('points and badges for swaps', () => {
  it('gives both members their points and First swap, once, in the skill each taught', async () => {
    await completedSwap(ana, ben, 2);
    expect(await summary(ana)).toEqual({ points: POINTS.swapped, badges: ['first-swap'] });
    expect(await summary(ben)).toEqual({ points: POINTS.swapped, badges: ['first-swap'] });
    expect(await board(app, '?skill=Baking')).toEqual([[1, 'Ana', POINTS.swapped]]);
    expect(await board(app, '?skill=Guitar')).toEqual([[1, 'Ben', POINTS.swapped]]);
  });

  it('earns Five swaps with the fifth completed swap, not before', async () => {
    for (let i = 2; i < SWAP_BADGES.five; i++) await completedSwap(i % 2 ? ana : ben, i % 2 ? ben : ana);
    expect(await summary(ana)).toEqual({ points: 4 * POINTS.swapped, badges: ['first-swap'] });
    await completedSwap(ben, ana);
    expect(await summary(ana)).toEqual({ points: 5 * POINTS.swapped, badges: ['first-swap', 'five-swaps'] });
    const { rows } = await app.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE type = 'BadgeAwarded' AND data->>'memberId' = $1`,
      [ana.id],
    );
    expect(rows[0]!.n).toBe(2);
  });
});
