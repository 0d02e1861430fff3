import { z } from 'zod';
import { defineEvent, type EventDataOf, type EventsOf } from '../../infra/event-store/index.ts';

// One stream per review, `review-<reviewId>` (the id derived from the session and the author): a second review of
// one session by one member meets an existing stream and is refused, however the requests race.

/** The stream a review's events are in, for other modules that fold a review's story from its events. */
export const reviewStream = (reviewId: string) => `review-${reviewId}`;

/**
 * v2 adds `swapId`: the review of a session inside a swap (the session's `swap`), sealed until the partner's
 * review of the swap is written or REVIEW_SEAL_DAYS have passed (modules/swaps, SwapReviewsRevealed).
 */
export const ReviewSubmitted = defineEvent(
  'ReviewSubmitted',
  2,
  z.object({
    reviewId: z.string(),
    sessionId: z.string(),
    hostId: z.string(),
    authorId: z.string(),
    skill: z.string(),
    rating: z.number().int().min(1).max(5),
    comment: z.string(),
    swapId: z.string().nullable(),
  }),
  { 1: (v1) => ({ ...(v1 as object), swapId: null }) },
);

export const ReviewEdited = defineEvent(
  'ReviewEdited',
  1,
  z.object({
    reviewId: z.string(),
    hostId: z.string(),
    rating: z.number().int().min(1).max(5).optional(),
    comment: z.string().optional(),
  }),
);

export const ReviewDeleted = defineEvent(
  'ReviewDeleted',
  1,
  z.object({ reviewId: z.string(), hostId: z.string() }),
);

export const HostReplied = defineEvent(
  'HostReplied',
  1,
  z.object({ reviewId: z.string(), hostId: z.string(), reply: z.string() }),
);

export const feedbackEvents = [ReviewSubmitted, ReviewEdited, ReviewDeleted, HostReplied];

/** Every event the feedback module publishes. */
export type FeedbackEvent = EventsOf<typeof feedbackEvents>;
export type FeedbackEventData = EventDataOf<FeedbackEvent>;
