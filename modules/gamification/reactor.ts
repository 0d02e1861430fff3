import type { PoolClient } from '../../infra/db/index.ts';
import { type EventStore, loadState } from '../../infra/event-store/index.ts';
import { defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import { type FeedbackEvent, reviewStream } from '../feedback/events.ts';
import type { ModerationEvent } from '../moderation/events.ts';
import type { SessionEvent } from '../sessions/events.ts';
import { type Fact, reward } from './decide.ts';
import { evolve, initialRewards, type RewardEvent, type Rewards } from './rewards.ts';
import { weekNumber } from './rules.ts';

export const rewardsStream = (memberId: string) => `rewards-${memberId}`;

type Cause = RunOf<
  SessionEvent | FeedbackEvent | ModerationEvent,
  | 'SessionCompleted'
  | 'ReviewSubmitted'
  | 'ReviewEdited'
  | 'ReviewDeleted'
  | 'ContentHidden'
  | 'ContentRestored'
>[number];

type ReviewNow = { authorId: string | null; rating: number | null; deleted: boolean };

/** A review as its own stream (feedback's events) says now: its author, and its latest rating (null once deleted). */
async function reviewNow(store: EventStore, client: PoolClient, reviewId: string) {
  const { state } = await loadState<ReviewNow, FeedbackEvent>(
    store,
    reviewStream(reviewId),
    {
      initialState: { authorId: null, rating: null, deleted: false },
      evolve: (review, event) => {
        if (review.deleted) return review;
        switch (event.type) {
          case 'ReviewSubmitted':
            return { ...review, authorId: event.data.authorId, rating: event.data.rating };
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
      return [
        { kind: 'reviewed', memberId: d.authorId, reviewId: d.reviewId, skill: d.skill },
        { kind: 'rated', memberId: d.hostId, reviewId: d.reviewId, skill: d.skill, rating: d.rating },
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
      const { authorId, rating } = await reviewNow(store, client, d.targetId);
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
        metadata: {
          actorId: null,
          causationId: `${event.streamId}:${event.streamVersion}`,
          reactor: 'gamification',
        },
      });
    }
  }
}

/**
 * Turns other modules' events into points and badges. Its appends share the transaction that moves its
 * checkpoint, and `reward` ignores a fact it has rewarded before: each award lands exactly once, through
 * restarts and replays.
 */
export const gamificationReactor = defineReactor<SessionEvent | FeedbackEvent | ModerationEvent>({
  name: 'gamification',
  on: {
    SessionCompleted: rewardFacts,
    ReviewSubmitted: rewardFacts,
    ReviewEdited: rewardFacts,
    ReviewDeleted: rewardFacts,
    ContentHidden: rewardFacts,
    ContentRestored: rewardFacts,
  },
});
