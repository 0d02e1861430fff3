import type { ModuleContext } from '../../infra/deps.ts';
import { defineReactor } from '../../infra/projections/index.ts';
import type { SwapEvent } from './events.ts';
import { expireSwap } from './handlers.ts';

export const SWAP_EXPIRY_QUEUE = 'swap-expiry';
type SwapExpiryJob = { swapId: string };

/**
 * Schedules each proposal's expiry as a pg-boss job at its `expiresAt` (kept in the database: it survives a
 * restart, and one due while the server was down runs when it is back). The job decides from the swap's stream:
 * a proposal answered meanwhile stays as it is, and however often the job runs, the swap expires once.
 */
export const swapExpiryScheduler = defineReactor<SwapEvent>({
  name: 'swap_expiry',
  on: {
    SwapProposed: async (_db, run, { jobs }) => {
      for (const { data } of run) {
        await jobs.send(SWAP_EXPIRY_QUEUE, { swapId: data.swapId } satisfies SwapExpiryJob, {
          singletonKey: data.swapId,
          startAfter: new Date(data.expiresAt),
        });
      }
    },
  },
});

export async function startSwapExpiryWorker(context: ModuleContext) {
  await context.jobs.define<SwapExpiryJob>(SWAP_EXPIRY_QUEUE, async ({ swapId }) => {
    await expireSwap(context.command, swapId);
  });
}
