import type { PoolClient } from '../../infra/db/index.ts';
import { type EventStore, loadState, type StoredEvent } from '../../infra/event-store/index.ts';
import type { Reactor } from '../../infra/projections/index.ts';
import type { FeedbackEventData } from '../feedback/index.ts';
import type { SessionEventData } from '../sessions/index.ts';
import { type Fact, reward } from './decide.ts';
import { evolve, initialRewards, type RewardEvent, type Rewards } from './rewards.ts';
import { weekNumber } from './rules.ts';

export const rewardsStream = (memberId: string) => `rewards-${memberId}`;

/** A review as its own stream says now: its author, and its latest rating (null once deleted). */
async function reviewNow(store: EventStore, client: PoolClient, reviewId: string) {
  let authorId: string | null = null;
  let rating: number | null = null;
  for (const e of await store.readStream(`review-${reviewId}`, client)) {
    const d = e.data as { rating?: number; authorId?: string };
    if (e.type === 'ReviewSubmitted') authorId = d.authorId ?? null;
    if (e.type === 'ReviewSubmitted' || (e.type === 'ReviewEdited' && d.rating !== undefined))
      rating = d.rating!;
    if (e.type === 'ReviewDeleted') return { authorId, rating: null };
  }
  return { authorId, rating };
}

/** The points of a review follow it for its author and its host (rules.ts, POINT_RULES). */
const visibility = (
  memberIds: (string | null | undefined)[],
  reviewId: string,
  visible: boolean,
  event: StoredEvent,
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

async function factsOf(event: StoredEvent, store: EventStore, client: PoolClient): Promise<Fact[]> {
  switch (event.type) {
    case 'SessionCompleted': {
      const d = event.data as SessionEventData['SessionCompleted'];
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
      const d = event.data as FeedbackEventData['ReviewSubmitted'];
      return [
        { kind: 'reviewed', memberId: d.authorId, reviewId: d.reviewId, skill: d.skill },
        { kind: 'rated', memberId: d.hostId, reviewId: d.reviewId, skill: d.skill, rating: d.rating },
      ];
    }
    case 'ReviewEdited': {
      const d = event.data as FeedbackEventData['ReviewEdited'];
      return d.rating === undefined
        ? []
        : [{ kind: 'rating-changed', memberId: d.hostId, reviewId: d.reviewId, rating: d.rating }];
    }
    case 'ReviewDeleted': {
      const d = event.data as FeedbackEventData['ReviewDeleted'];
      const { authorId } = await reviewNow(store, client, d.reviewId);
      return [
        { kind: 'rating-changed', memberId: d.hostId, reviewId: d.reviewId, rating: null },
        ...visibility([authorId, d.hostId], d.reviewId, false, event),
      ];
    }
    case 'ContentHidden':
    case 'ContentRestored': {
      const d = event.data as { targetType: string; targetId: string; ownerId?: string; hostId?: string };
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
  return [];
}

/**
 * Turns other modules' events into points and badges. Its appends share the transaction that moves its
 * checkpoint, and `reward` ignores a fact it has rewarded before: each award lands exactly once, through
 * restarts and replays.
 */
export const gamificationReactor: Reactor = {
  name: 'gamification',
  kind: 'reactor',
  eventTypes: [
    'SessionCompleted',
    'ReviewSubmitted',
    'ReviewEdited',
    'ReviewDeleted',
    'ContentHidden',
    'ContentRestored',
  ],
  handle: async (client, events, { store }) => {
    for (const event of events) {
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
  },
};
