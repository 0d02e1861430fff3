// The swaps module: two members teach each other, one skill each way. Proposals and their answers, expiry, one
// open swap per pair, the two sessions, the thread, and the blind reviews. Other code enters it only through this file.
import type { FastifyInstance } from 'fastify';
import type { ModuleContext, ModuleDefinition } from '../../infra/deps.ts';
import { getMailRecipients } from '../../read-models/member-profiles/queries.ts';
import { getSwap, unreadMessages } from '../../read-models/swaps/queries.ts';
import { swapDepartures } from './departures.ts';
import { swapEvents } from './events.ts';
import { startSwapExpiryWorker, swapExpiryScheduler } from './expiry.ts';
import { matchRoutes } from './http/matches.ts';
import { messageRoutes } from './http/messages.ts';
import { swapSessionRoutes } from './http/sessions.ts';
import { swapRoutes } from './http/swaps.ts';
import { startSwapReviewRevealWorker, swapReviewSeals } from './review-seals.ts';
import { swapSessionOutcomes } from './sessions.ts';
import { startUnreadMessageWorker, type UnreadFacts, unreadMessageScheduler } from './unread.ts';

/** The read models' answers to the unread-message job (exported for its tests). */
export const unreadFacts: UnreadFacts = {
  unread: unreadMessages,
  swap: getSwap,
  recipient: async (db, memberId) => (await getMailRecipients(db, [memberId])).get(memberId) ?? null,
};

export const swaps: ModuleDefinition = {
  name: 'swaps',
  events: swapEvents,
  consumers: [
    swapExpiryScheduler,
    swapDepartures,
    unreadMessageScheduler,
    swapSessionOutcomes,
    swapReviewSeals,
  ],
  routes: (app: FastifyInstance, context: ModuleContext) => {
    swapRoutes(app, context);
    matchRoutes(app, context);
    messageRoutes(app, context);
    swapSessionRoutes(app, context);
  },
  onStart: async (context) => {
    await startSwapExpiryWorker(context);
    await startUnreadMessageWorker(context, unreadFacts);
    await startSwapReviewRevealWorker(context);
  },
};

export {
  PROPOSAL_DAYS,
  SWAP_STATUSES,
  type SwapEvent,
  type SwapEventData,
  type SwapStatus,
} from './events.ts';
export { SWAP_EXPIRY_QUEUE } from './expiry.ts';
export { loadSwap } from './handlers.ts';
export { revealDueSwapReviews, SWAP_REVIEW_REVEAL_QUEUE } from './review-seals.ts';
export { emailUnreadMessages, UNREAD_EMAIL_AFTER_MS, UNREAD_MESSAGE_QUEUE } from './unread.ts';
