import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import type { SwapEvent } from '../../modules/swaps/index.ts';
import { swapsProjector } from './projector.ts';

const spec = await projectorSpec(swapsProjector);
const rows = () =>
  spec.rows(
    'SELECT swap_id, proposer_id, receiver_id, offer_skill, want_skill, status FROM swaps ORDER BY swap_id',
  );
const parties = (swapId: string) => ({ swapId, proposerId: 'ana', receiverId: 'ben' });
const proposed = (swapId: string): SwapEvent => ({
  type: 'SwapProposed',
  data: {
    ...parties(swapId),
    offerSkill: 'TypeScript',
    wantSkill: 'Guitar',
    message: 'Shall we?',
    expiresAt: '2026-01-15T00:00:00Z',
  },
});

describe('the swaps read model', () => {
  it('lists a proposal once, whatever happens to its stream afterwards', async () => {
    await spec.given([proposed('a'), proposed('a')]);
    expect(await rows()).toEqual([
      {
        swap_id: 'a',
        proposer_id: 'ana',
        receiver_id: 'ben',
        offer_skill: 'TypeScript',
        want_skill: 'Guitar',
        status: 'proposed',
      },
    ]);
    await spec.reset();
  });

  it('takes the status of each swap’s last answer, in a run of answers to several swaps', async () => {
    await spec.given([proposed('a'), proposed('b'), proposed('c')]);
    await spec.given([
      { type: 'SwapAccepted', data: parties('a') },
      { type: 'SwapDeclined', data: parties('b') },
      { type: 'SwapWithdrawn', data: parties('c') },
      { type: 'SwapExpired', data: parties('c') },
    ]);
    expect((await rows()).map((r) => [r.swap_id, r.status])).toEqual([
      ['a', 'accepted'],
      ['b', 'declined'],
      ['c', 'expired'],
    ]);
    await spec.reset();
  });

  it('keeps the time of the proposal and of its last change', async () => {
    await spec.given([{ ...proposed('a'), recordedAt: '2026-01-01T10:00:00Z' }]);
    await spec.given([{ type: 'SwapAccepted', data: parties('a'), recordedAt: '2026-01-02T10:00:00Z' }]);
    expect(await spec.rows('SELECT created_at, expires_at, updated_at FROM swaps')).toEqual([
      {
        created_at: new Date('2026-01-01T10:00:00Z'),
        expires_at: new Date('2026-01-15T00:00:00Z'),
        updated_at: new Date('2026-01-02T10:00:00Z'),
      },
    ]);
  });
});
