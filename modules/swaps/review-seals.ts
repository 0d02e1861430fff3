import type { PoolClient } from '../../infra/db/index.ts';
import type { CommandContext, ModuleContext } from '../../infra/deps.ts';
import { runCommand } from '../../infra/event-store/index.ts';
import { causedBy, defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../feedback/events.ts';
import { type SwapEvent, swapReviewsStream } from './events.ts';
import { decideSwapReviews, evolveSwapReviews, initialSwapReviews } from './reviews.ts';

export const SWAP_REVIEW_REVEAL_QUEUE = 'swap-review-reveal';
type RevealJob = { swapId: string };

const decider = { initialState: initialSwapReviews, evolve: evolveSwapReviews, decide: decideSwapReviews };

/** Each review of a swap session on the swap's reviews stream, in the transaction that moves this checkpoint. */
async function recordReviews(
  client: PoolClient,
  run: RunOf<FeedbackEvent, 'ReviewSubmitted'>,
  ctx: ReactorContext,
) {
  for (const event of run) {
    const { swapId, reviewId, authorId } = event.data;
    if (!swapId) continue;
    const command = {
      type: 'Record' as const,
      data: { swapId, reviewId, authorId, writtenAt: event.recordedAt.toISOString() },
    };
    await runCommand(
      ctx.store,
      swapReviewsStream(swapId),
      decider,
      command,
      causedBy(event, 'swap_review_seals'),
      client,
    );
  }
}

/**
 * Seals the reviews of swap sessions and reveals them together once both members have written theirs (see
 * reviews.ts), and schedules each sealed review's reveal as a pg-boss job at its `revealAt` (kept in the
 * database through restarts). The job decides from the stream: a review revealed meanwhile stays as it is, and
 * however often the job runs, a review is revealed once.
 */
export const swapReviewSeals = defineReactor<FeedbackEvent | SwapEvent>({
  name: 'swap_review_seals',
  on: {
    ReviewSubmitted: recordReviews,
    SwapReviewSealed: async (_db, run, { jobs }) => {
      for (const { data } of run) {
        await jobs.send(SWAP_REVIEW_REVEAL_QUEUE, { swapId: data.swapId } satisfies RevealJob, {
          singletonKey: data.reviewId,
          startAfter: new Date(data.revealAt),
        });
      }
    },
  },
});

/** The reveal job's work: the swap's sealed reviews whose time is up by `ctx.now()` are revealed. */
export async function revealDueSwapReviews(ctx: CommandContext, swapId: string) {
  const result = await runCommand(
    ctx.store,
    swapReviewsStream(swapId),
    decider,
    { type: 'Reveal', data: { swapId }, now: ctx.now() },
    { actorId: null },
  );
  if (result.appended) await ctx.waitForReadModels(result.appended);
  return result.events;
}

export async function startSwapReviewRevealWorker(context: ModuleContext) {
  await context.jobs.define<RevealJob>(SWAP_REVIEW_REVEAL_QUEUE, async ({ swapId }) => {
    await revealDueSwapReviews(context.command, swapId);
  });
}
