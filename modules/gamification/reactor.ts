import type { PoolClient } from '../../infra/db/index.ts';
import { type EventStore, loadState, readStreamOf } from '../../infra/event-store/index.ts';
import { causedBy, defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import { type FeedbackEvent, reviewStream } from '../feedback/events.ts';
import type { ModerationEvent } from '../moderation/events.ts';
import { contentStream } from '../moderation/index.ts';
import type { SessionEvent } from '../sessions/events.ts';
import { type SwapEvent, swapReviewsStream, swapStream } from '../swaps/events.ts';
import { type Fact, reward } from './decide.ts';
import { evolve, initialRewards, type RewardEvent, type Rewards } from './rewards.ts';
import { weekNumber } from './rules.ts';

export const rewardsStream = (memberId: string) => `rewards-${memberId}`;

type Cause = RunOf<
  SessionEvent | FeedbackEvent | ModerationEvent | SwapEvent,
  | 'SessionCompleted'
  | 'SwapReviewsRevealed'
  | 'SwapCompleted'
  | 'ReviewSubmitted'
  | 'ReviewEdited'
  | 'ReviewDeleted'
  | 'ContentHidden'
  | 'ContentRestored'
>[number];

type ReviewNow = {
  authorId: string | null;
  hostId: string | null;
  skill: string;
  rating: number | null;
  deleted: boolean;
  swapId: string | null;
};

/**
 * A review as its own stream (feedback's events) says now: its author and host, and its latest rating (null once
 * deleted).
 */
async function reviewNow(store: EventStore, client: PoolClient, reviewId: string) {
  const { state } = await loadState<ReviewNow, FeedbackEvent>(
    store,
    reviewStream(reviewId),
    {
      initialState: { authorId: null, hostId: null, skill: '', rating: null, deleted: false, swapId: null },
      evolve: (review, event) => {
        if (review.deleted) return review;
        switch (event.type) {
          case 'ReviewSubmitted': {
            const { authorId, hostId, skill, rating, swapId } = event.data;
            return { ...review, authorId, hostId, skill, rating, swapId };
          }
          case 'ReviewEdited':
            return event.data.rating === undefined ? review : { ...review, rating: event.data.rating };
          case 'ReviewDeleted':
            return { ...review, rating: null, deleted: true };
          default:
            return review;
        }
      },
    },
    client,
  );
  return state;
}

/** The points of a review follow it for its author and its host (rules.ts, POINT_RULES). */
const visibility = (
  memberIds: (string | null | undefined)[],
  reviewId: string,
  visible: boolean,
  event: Cause,
): Fact[] =>
  memberIds.flatMap((memberId) =>
    memberId
      ? [
          {
            kind: 'review-visibility',
            memberId,
            reviewId,
            visible,
            cause: `${event.streamId}:${event.streamVersion}`,
          },
        ]
      : [],
  );

/** Whether moderation hides the review now: the last verdict on its content stream. */
async function hiddenNow(store: EventStore, client: PoolClient, reviewId: string) {
  const verdicts = await readStreamOf<ModerationEvent>(store, contentStream('review', reviewId), client, {
    types: ['ContentHidden', 'ContentRestored'],
  });
  return verdicts[verdicts.length - 1]?.type === 'ContentHidden';
}

/** Whether a swap review is still sealed: no SwapReviewsRevealed on the swap's reviews stream names it yet. */
async function sealedNow(store: EventStore, client: PoolClient, swapId: string, reviewId: string) {
  const reveals = await readStreamOf<SwapEvent>(store, swapReviewsStream(swapId), client, {
    types: ['SwapReviewsRevealed'],
  });
  return !reveals.some((e) => e.type === 'SwapReviewsRevealed' && e.data.reviewIds.includes(reviewId));
}

/** Who taught what in a swap, from its proposal: the proposer `offerSkill`, the receiver `wantSkill`. */
async function swapSkills(store: EventStore, client: PoolClient, swapId: string) {
  const [proposal] = await readStreamOf<SwapEvent>(store, swapStream(swapId), client, {
    types: ['SwapProposed'],
  });
  return proposal?.type === 'SwapProposed'
    ? { proposer: proposal.data.offerSkill, receiver: proposal.data.wantSkill }
    : { proposer: '', receiver: '' };
}

/**
 * A swap review's rating counts from its reveal, as it is by then: an edit while sealed counted nothing, a
 * review deleted meanwhile gives nothing, and one moderation hides meanwhile is rated and taken back at once,
 * as if hidden after its reveal (so a restoration gives its points).
 */
async function revealedFacts(
  event: Cause & { type: 'SwapReviewsRevealed' },
  store: EventStore,
  client: PoolClient,
) {
  const facts: Fact[] = [];
  for (const reviewId of event.data.reviewIds) {
    const review = await reviewNow(store, client, reviewId);
    if (review.rating === null || !review.hostId) continue;
    const memberId = review.hostId;
    facts.push({ kind: 'rated', memberId, reviewId, skill: review.skill, rating: review.rating });
    if (await hiddenNow(store, client, reviewId)) {
      facts.push(
        { kind: 'rating-changed', memberId, reviewId, rating: null },
        ...visibility([memberId], reviewId, false, event),
      );
    }
  }
  return facts;
}

async function factsOf(event: Cause, store: EventStore, client: PoolClient): Promise<Fact[]> {
  switch (event.type) {
    case 'SessionCompleted': {
      const d = event.data;
      const week = weekNumber(d.startsAt);
      return [
        {
          kind: 'hosted',
          memberId: d.hostId,
          sessionId: d.sessionId,
          skill: d.skill,
          attendeeIds: d.attendeeIds,
        },
        ...d.attendeeIds.map(
          (memberId): Fact => ({ kind: 'attended', memberId, sessionId: d.sessionId, skill: d.skill, week }),
        ),
      ];
    }
    case 'ReviewSubmitted': {
      const d = event.data;
      const reviewed: Fact = { kind: 'reviewed', memberId: d.authorId, reviewId: d.reviewId, skill: d.skill };
      // A swap review is rated when it is revealed (SwapReviewsRevealed), not before.
      if (d.swapId !== null) return [reviewed];
      return [
        reviewed,
        { kind: 'rated', memberId: d.hostId, reviewId: d.reviewId, skill: d.skill, rating: d.rating },
      ];
    }
    case 'SwapReviewsRevealed':
      return revealedFacts(event, store, client);
    case 'SwapCompleted': {
      const { swapId, proposerId, receiverId } = event.data;
      const skills = await swapSkills(store, client, swapId);
      return [
        { kind: 'swapped', memberId: proposerId, swapId, skill: skills.proposer },
        { kind: 'swapped', memberId: receiverId, swapId, skill: skills.receiver },
      ];
    }
    case 'ReviewEdited': {
      const d = event.data;
      return d.rating === undefined
        ? []
        : [{ kind: 'rating-changed', memberId: d.hostId, reviewId: d.reviewId, rating: d.rating }];
    }
    case 'ReviewDeleted': {
      const d = event.data;
      const { authorId } = await reviewNow(store, client, d.reviewId);
      return [
        { kind: 'rating-changed', memberId: d.hostId, reviewId: d.reviewId, rating: null },
        ...visibility([authorId, d.hostId], d.reviewId, false, event),
      ];
    }
    case 'ContentHidden':
    case 'ContentRestored': {
      const d = event.data;
      if (d.targetType !== 'review' || !d.hostId) return [];
      if (event.type === 'ContentHidden') {
        return [
          { kind: 'rating-changed', memberId: d.hostId, reviewId: d.targetId, rating: null },
          ...visibility([d.ownerId, d.hostId], d.targetId, false, event),
        ];
      }
      // A deleted review stays without its points and its rating, restored or not.
      const { authorId, rating, swapId } = await reviewNow(store, client, d.targetId);
      // A swap review restored while still sealed gives its author's points back; its rating waits for the reveal.
      if (rating !== null && swapId && (await sealedNow(store, client, swapId, d.targetId)))
        return visibility([authorId], d.targetId, true, event);
      return [
        { kind: 'rating-changed', memberId: d.hostId, reviewId: d.targetId, rating, restored: true },
        ...(rating === null ? [] : visibility([authorId, d.hostId], d.targetId, true, event)),
      ];
    }
  }
}

/** Each event's facts in log order, each rewarded from the member's rewards stream as it is by then. */
async function rewardFacts(client: PoolClient, run: Cause[], { store }: ReactorContext) {
  for (const event of run) {
    for (const fact of await factsOf(event, store, client)) {
      const stream = rewardsStream(fact.memberId);
      const { state, version } = await loadState<Rewards, RewardEvent>(
        store,
        stream,
        { initialState: initialRewards(), evolve },
        client,
      );
      const awards = reward(fact, state);
      if (awards.length === 0) continue;
      await store.append(stream, version, awards, {
        client,
        metadata: causedBy(event, 'gamification'),
      });
    }
  }
}

/**
 * Turns other modules' events into points and badges. Its appends share the transaction that moves its
 * checkpoint, and `reward` ignores a fact it has rewarded before: each award lands exactly once, through
 * restarts and replays.
 */
export const gamificationReactor = defineReactor<SessionEvent | FeedbackEvent | ModerationEvent | SwapEvent>({
  name: 'gamification',
  on: {
    SessionCompleted: rewardFacts,
    ReviewSubmitted: rewardFacts,
    ReviewEdited: rewardFacts,
    ReviewDeleted: rewardFacts,
    ContentHidden: rewardFacts,
    ContentRestored: rewardFacts,
    SwapReviewsRevealed: rewardFacts,
    SwapCompleted: rewardFacts,
  },
});
