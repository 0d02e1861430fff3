// The blind reviews of a swap, folded from `swap-reviews-<swapId>` (events: events.ts), and their pure decider.
import { REVIEW_SEAL_DAYS, type SwapEvent } from './events.ts';

export type SwapReviewEvent = Extract<SwapEvent, { type: 'SwapReviewSealed' | 'SwapReviewsRevealed' }>;

export type SwapReview = { reviewId: string; authorId: string; revealAt: string; revealed: boolean };
export type SwapReviews = { reviews: SwapReview[] };

export const initialSwapReviews: SwapReviews = { reviews: [] };

export type SwapReviewCommand =
  /** A review of one of the swap's sessions was written at `writtenAt` (its ReviewSubmitted's time). */
  | { type: 'Record'; data: { swapId: string; reviewId: string; authorId: string; writtenAt: string } }
  /** The seal's time may be up (the reveal job): reveal what is due by `now`. */
  | { type: 'Reveal'; data: { swapId: string }; now: Date };

export function evolveSwapReviews(state: SwapReviews, event: SwapReviewEvent): SwapReviews {
  switch (event.type) {
    case 'SwapReviewSealed': {
      const { reviewId, authorId, revealAt } = event.data;
      return { reviews: [...state.reviews, { reviewId, authorId, revealAt, revealed: false }] };
    }
    case 'SwapReviewsRevealed': {
      const ids = new Set(event.data.reviewIds);
      return { reviews: state.reviews.map((r) => (ids.has(r.reviewId) ? { ...r, revealed: true } : r)) };
    }
  }
}

export const revealAtFor = (writtenAt: string) =>
  new Date(Date.parse(writtenAt) + REVIEW_SEAL_DAYS * 86400_000).toISOString();

/**
 * Pure. A review is sealed when written; once the other member's review is written too, every sealed review of
 * the swap is revealed at once, in the same append. Alone, it is revealed when its time is up. Recording a review
 * twice (a replay) or revealing what is revealed decides nothing.
 */
export function decideSwapReviews(cmd: SwapReviewCommand, state: SwapReviews): SwapReviewEvent[] {
  const { swapId } = cmd.data;
  const sealed = state.reviews.filter((r) => !r.revealed);
  switch (cmd.type) {
    case 'Record': {
      const { reviewId, authorId, writtenAt } = cmd.data;
      if (state.reviews.some((r) => r.reviewId === reviewId)) return [];
      const seal: SwapReviewEvent = {
        type: 'SwapReviewSealed',
        data: { swapId, reviewId, authorId, revealAt: revealAtFor(writtenAt) },
      };
      if (!state.reviews.some((r) => r.authorId !== authorId)) return [seal];
      const reviewIds = [...sealed.map((r) => r.reviewId), reviewId];
      return [seal, { type: 'SwapReviewsRevealed', data: { swapId, reviewIds, reason: 'both' } }];
    }
    case 'Reveal': {
      const due = sealed.filter((r) => Date.parse(r.revealAt) <= cmd.now.getTime());
      if (due.length === 0) return [];
      return [
        {
          type: 'SwapReviewsRevealed',
          data: { swapId, reviewIds: due.map((r) => r.reviewId), reason: 'time' },
        },
      ];
    }
    default: {
      const unreachable: never = cmd;
      return unreachable;
    }
  }
}
