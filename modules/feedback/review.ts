import { z } from 'zod';
import { defineEvent } from '../../infra/event-store/index.ts';

// One stream per review, `review-<sessionId>-<authorId>`: a second review of one session by one member meets an
// existing stream and is refused, however the requests race.

export const EDIT_WINDOW_DAYS = 14;

export const ReviewSubmitted = defineEvent(
  'ReviewSubmitted',
  1,
  z.object({
    reviewId: z.string(),
    sessionId: z.string(),
    hostId: z.string(),
    authorId: z.string(),
    skill: z.string(),
    rating: z.number().int().min(1).max(5),
    comment: z.string(),
  }),
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

type Data<D> = D extends { schema: infer S extends z.ZodType } ? z.output<S> : never;
export type FeedbackEventData = {
  ReviewSubmitted: Data<typeof ReviewSubmitted>;
  ReviewEdited: Data<typeof ReviewEdited>;
  ReviewDeleted: Data<typeof ReviewDeleted>;
  HostReplied: Data<typeof HostReplied>;
};
export type ReviewEvent = {
  [K in keyof FeedbackEventData]: { type: K; data: FeedbackEventData[K] };
}[keyof FeedbackEventData];

export type Review =
  | { status: 'none' }
  | (FeedbackEventData['ReviewSubmitted'] & {
      status: 'visible' | 'deleted';
      submittedAt: string;
      reply: string | null;
    });

export const initialReview: Review = { status: 'none' };

/** Stored events carry `recordedAt`: the submission time starts the 14-day window for edits. */
export function evolve(state: Review, event: ReviewEvent & { recordedAt?: Date }): Review {
  if (event.type === 'ReviewSubmitted') {
    const submittedAt = event.recordedAt?.toISOString() ?? new Date().toISOString();
    return { ...event.data, status: 'visible', submittedAt, reply: null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ReviewEdited': {
      const { reviewId: _r, hostId: _h, ...changes } = event.data;
      return { ...state, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
    }
    case 'ReviewDeleted':
      return { ...state, status: 'deleted' };
    case 'HostReplied':
      return { ...state, reply: event.data.reply };
  }
}
