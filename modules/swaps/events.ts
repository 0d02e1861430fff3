import { z } from 'zod';
import { defineEvent, type EventDataOf, type EventsOf } from '../../infra/event-store/index.ts';

// Streams: `swap-<id>` per swap (its lifecycle); `swap-pair-<a>-<b>` per pair of members (ids sorted), holding
// which swap of theirs is open, so that "one open swap per pair" is decided from that stream's own state in the
// append that opens one, however two proposals race.

export const swapStream = (swapId: string) => `swap-${swapId}`;
export const messageStream = (messageId: string) => `swap-message-${messageId}`;
/** The pair's stream: the same for both orders of the two members. */
export const pairStream = (a: string, b: string) => `swap-pair-${[a, b].sort().join('-')}`;

export const SWAP_STATUSES = [
  'proposed',
  'accepted',
  'declined',
  'withdrawn',
  'expired',
  'completed',
] as const;
export type SwapStatus = (typeof SWAP_STATUSES)[number];

/** How long a proposal waits for an answer before it expires. */
export const PROPOSAL_DAYS = 14;

const parties = { swapId: z.string(), proposerId: z.string(), receiverId: z.string() };

/** The proposal's message is the proposer's words: personal data, erased with them. */
export const SwapProposed = defineEvent(
  'SwapProposed',
  1,
  z.object({
    ...parties,
    offerSkill: z.string(),
    wantSkill: z.string(),
    message: z.string(),
    expiresAt: z.string(),
  }),
  {},
  { personal: { subject: 'proposerId', fields: { message: '' } } },
);

export const SwapAccepted = defineEvent('SwapAccepted', 1, z.object(parties));
export const SwapDeclined = defineEvent('SwapDeclined', 1, z.object(parties));
export const SwapWithdrawn = defineEvent('SwapWithdrawn', 1, z.object(parties));
/**
 * One of the two members left SkillSwap or was suspended while the swap was open (proposed or accepted): it ends
 * there, shown as withdrawn, and the other member is told why.
 */
export const SwapEnded = defineEvent(
  'SwapEnded',
  1,
  z.object({ ...parties, memberId: z.string(), reason: z.enum(['left', 'suspended']) }),
);
/**
 * Sessions inside an accepted swap: each member hosts one for the other (`hostId` teaches, the other learns). A
 * session cancelled or not held is dropped, and its host may schedule another; the swap completes (SwapCompleted)
 * once each member has a completed one.
 */
const swapSession = { ...parties, sessionId: z.string(), hostId: z.string() };
export const SwapSessionScheduled = defineEvent('SwapSessionScheduled', 1, z.object(swapSession));
export const SwapSessionCompleted = defineEvent('SwapSessionCompleted', 1, z.object(swapSession));
export const SwapSessionDropped = defineEvent(
  'SwapSessionDropped',
  1,
  z.object({ ...swapSession, reason: z.enum(['cancelled', 'not_held']) }),
);
/** Both members taught and learned: the swap is done (`sessionIds`: the two completed sessions). */
export const SwapCompleted = defineEvent(
  'SwapCompleted',
  1,
  z.object({ ...parties, sessionIds: z.array(z.string()) }),
);
/** Nobody answered within PROPOSAL_DAYS. */
export const SwapExpired = defineEvent('SwapExpired', 1, z.object(parties));

/**
 * A message in a swap's thread, on a stream of its own (`swap-message-<id>`): a long thread never makes the swap's
 * stream long. The body is the author's words: personal data, erased with them.
 */
export const SwapMessageSent = defineEvent(
  'SwapMessageSent',
  1,
  z.object({
    messageId: z.string(),
    swapId: z.string(),
    authorId: z.string(),
    recipientId: z.string(),
    body: z.string(),
  }),
  {},
  { personal: { subject: 'authorId', fields: { body: '' } } },
);

/** On the pair's stream: this swap is the pair's open one. */
export const SwapPairOpened = defineEvent(
  'SwapPairOpened',
  1,
  z.object({ swapId: z.string(), memberIds: z.array(z.string()), expiresAt: z.string() }),
);
/** On the pair's stream: the swap was accepted (it stays open, without expiry). */
export const SwapPairCommitted = defineEvent('SwapPairCommitted', 1, z.object({ swapId: z.string() }));
/** On the pair's stream: the swap is closed (declined, withdrawn, expired, ended, completed); the pair may swap again. */
export const SwapPairReleased = defineEvent('SwapPairReleased', 1, z.object({ swapId: z.string() }));

// Blind reviews: `swap-reviews-<swapId>` holds which reviews of the swap's sessions were written and whether they
// are revealed. A review of a swap session (ReviewSubmitted with `swapId`) is sealed: nobody but its author (and
// moderators) sees it, nor does it count, until the partner's review is written or REVIEW_SEAL_DAYS have passed,
// so that neither member rates the other in answer to what they read.

export const swapReviewsStream = (swapId: string) => `swap-reviews-${swapId}`;

/** How long a swap review stays sealed when the partner writes none. */
export const REVIEW_SEAL_DAYS = 14;

/** A review of one of the swap's sessions was written; sealed until `revealAt` at the latest. */
export const SwapReviewSealed = defineEvent(
  'SwapReviewSealed',
  1,
  z.object({ swapId: z.string(), reviewId: z.string(), authorId: z.string(), revealAt: z.string() }),
);
/** These reviews of the swap are shown from now on: `both` written, or their `time` was up. */
export const SwapReviewsRevealed = defineEvent(
  'SwapReviewsRevealed',
  1,
  z.object({ swapId: z.string(), reviewIds: z.array(z.string()), reason: z.enum(['both', 'time']) }),
);

export const swapEvents = [
  SwapProposed,
  SwapAccepted,
  SwapDeclined,
  SwapWithdrawn,
  SwapExpired,
  SwapEnded,
  SwapSessionScheduled,
  SwapSessionCompleted,
  SwapSessionDropped,
  SwapCompleted,
  SwapMessageSent,
  SwapPairOpened,
  SwapPairCommitted,
  SwapPairReleased,
  SwapReviewSealed,
  SwapReviewsRevealed,
];

/** Every event the swaps module publishes. */
export type SwapEvent = EventsOf<typeof swapEvents>;
export type SwapEventData = EventDataOf<SwapEvent>;
