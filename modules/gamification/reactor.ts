import type { PoolClient } from '../../infra/db/index.ts';
import { type EventStore, loadState, type StoredEvent } from '../../infra/event-store/index.ts';
import type { Reactor } from '../../infra/projections/index.ts';
import type { FeedbackEventData } from '../feedback/index.ts';
import type { SessionEventData } from '../sessions/index.ts';
import { type Fact, reward } from './decide.ts';
import { evolve, initialRewards, type RewardEvent, type Rewards } from './rewards.ts';
import { weekNumber } from './rules.ts';

export const rewardsStream = (memberId: string) => `rewards-${memberId}`;

/** The latest rating of a review, read from its own stream (for a review that moderation restores). */
async function currentRating(
  store: EventStore,
  client: PoolClient,
  reviewId: string,
): Promise<number | null> {
  let rating: number | null = null;
  for (const e of await store.readStream(`review-${reviewId}`, client)) {
    const d = e.data as { rating?: number };
    if (e.type === 'ReviewSubmitted' || (e.type === 'ReviewEdited' && d.rating !== undefined))
      rating = d.rating!;
    if (e.type === 'ReviewDeleted') return null;
  }
  return rating;
}

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
      return [{ kind: 'rating-changed', memberId: d.hostId, reviewId: d.reviewId, rating: null }];
    }
    case 'ContentHidden':
    case 'ContentRestored': {
      const d = event.data as { targetType: string; targetId: string; ownerId?: string; hostId?: string };
      if (d.targetType !== 'review' || !d.hostId) return [];
      const rating = event.type === 'ContentHidden' ? null : await currentRating(store, client, d.targetId);
      const restored = event.type === 'ContentRestored';
      return [{ kind: 'rating-changed', memberId: d.hostId, reviewId: d.targetId, rating, restored }];
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
