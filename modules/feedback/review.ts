// A review's state, folded from its stream (its events: events.ts).
import type { FeedbackEvent, FeedbackEventData } from './events.ts';
import { REVIEW_LIMITS } from './limits.ts';

/** How long after submitting a review its author may edit or delete it. */
export const EDIT_WINDOW_DAYS = REVIEW_LIMITS.editWindowDays;

/** The events of a review's own stream: all of the module's. */
export type ReviewEvent = FeedbackEvent;

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
