// The feedback module: reviews of completed sessions, edits, deletions and host replies.
// Other code enters it only through this file.
import type { ModuleDefinition } from '../../infra/deps.ts';
import { feedbackEvents } from './events.ts';
import { feedbackRoutes } from './routes.ts';

export const feedback: ModuleDefinition = {
  name: 'feedback',
  events: feedbackEvents,
  routes: feedbackRoutes,
};

export { type FeedbackEvent, type FeedbackEventData, reviewStream } from './events.ts';
export { loadReview, reviewIdFor, submitReview } from './handlers.ts';
export { EDIT_WINDOW_DAYS } from './review.ts';
