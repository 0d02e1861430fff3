import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import type { SwapEvent } from '../../modules/swaps/events.ts';
import { reviewsProjector } from './projector.ts';

type Event = IdentityEvent | SessionEvent | FeedbackEvent | ModerationEvent | SwapEvent;
const spec = await projectorSpec(reviewsProjector);

const submitted = (
  reviewId: string,
  authorId: string,
  rating: number,
  swapId: string | null = null,
): Event => ({
  type: 'ReviewSubmitted',
  data: {
    reviewId,
    sessionId: 's1',
    hostId: 'ana',
    authorId,
    skill: 'Baking',
    rating,
    comment: 'Good bread',
    swapId,
  },
});
const verdict = (type: 'ContentHidden' | 'ContentRestored', targetId: string): Event =>
  type === 'ContentHidden'
    ? {
        type,
        data: {
          targetType: 'review',
          targetId,
          ownerId: 'ben',
          hostId: 'ana',
          cause: 'moderator',
          note: '',
          moderatorId: 'mod',
        },
      }
    : {
        type,
        data: { targetType: 'review', targetId, ownerId: 'ben', hostId: 'ana', note: '', moderatorId: 'mod' },
      };

const history: Event[] = [
  {
    type: 'MemberSignedUp',
    data: {
      memberId: 'ben',
      displayName: 'Ben',
      email: 'ben@example.org',
      passwordHash: 'x',
      timezone: 'UTC',
    },
  },
  {
    type: 'SessionScheduled',
    data: {
      sessionId: 's1',
      hostId: 'ana',
      title: 'Sourdough',
      skill: 'Baking',
      description: '',
      difficulty: 'beginner',
      prerequisites: [],
      meetingUrl: 'https://meet.example.org/1',
      capacity: 5,
      startsAt: '2026-03-01T10:00:00.000Z',
      durationMinutes: 60,
      timezone: 'UTC',
      seriesId: null,
      clonedFrom: null,
      swap: null,
    },
  },
  submitted('r1', 'ben', 4),
  submitted('r2', 'cy', 2),
  { type: 'HostReplied', data: { reviewId: 'r1', hostId: 'ana', reply: 'Thanks!' } },
  { type: 'ReviewEdited', data: { reviewId: 'r1', hostId: 'ana', rating: 5 } },
  { type: 'ReviewEdited', data: { reviewId: 'r1', hostId: 'ana', comment: 'Great bread' } },
  { type: 'SessionDetailsChanged', data: { sessionId: 's1', title: 'Rye sourdough' } },
  { type: 'ProfileUpdated', data: { memberId: 'ben', displayName: 'Ben B.' } },
  verdict('ContentHidden', 'r1'),
  verdict('ContentHidden', 'r2'),
  verdict('ContentRestored', 'r1'),
  { type: 'ReviewDeleted', data: { reviewId: 'r2', hostId: 'ana' } },
  { type: 'MemberDeleted', data: { memberId: 'cy' } },
];

describe('reviews', () => {
  it('shows each review with its author, session, edits, reply, and whether it is hidden or deleted', async () => {
    await spec.reset();
    await spec.given(history);
    expect(
      await spec.rows(
        `SELECT review_id, session_title, author_display_name, rating, comment, reply, hidden, deleted,
                edited_at IS NOT NULL AS edited
           FROM reviews ORDER BY review_id`,
      ),
    ).toEqual([
      {
        review_id: 'r1',
        session_title: 'Rye sourdough',
        author_display_name: 'Ben B.',
        rating: 5,
        comment: 'Great bread',
        reply: 'Thanks!',
        hidden: false,
        deleted: false,
        edited: true,
      },
      {
        review_id: 'r2',
        session_title: 'Rye sourdough',
        author_display_name: 'Deleted member',
        rating: 2,
        comment: 'Good bread',
        reply: null,
        hidden: true,
        deleted: true,
        edited: false,
      },
    ]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(history);
    expect(oneByOne).toEqual(batched);
  });
});

describe('the reviews of a swap', () => {
  const swapHistory: Event[] = [
    ...history.slice(0, 2),
    submitted('r0', 'cy', 3),
    submitted('r1', 'ben', 5, 'sw1'),
    submitted('r2', 'ana', 5, 'sw1'),
    { type: 'ReviewEdited', data: { reviewId: 'r2', hostId: 'ana', rating: 4 } },
    { type: 'SwapReviewsRevealed', data: { swapId: 'sw1', reviewIds: ['r1'], reason: 'time' } },
  ];
  const sealed = () => spec.rows('SELECT review_id, rating, sealed FROM reviews ORDER BY review_id');

  it('keeps each sealed from its submission to its reveal, and never seals a group session’s', async () => {
    await spec.reset();
    await spec.given(swapHistory.slice(0, 6));
    expect(await sealed()).toEqual([
      { review_id: 'r0', rating: 3, sealed: false },
      { review_id: 'r1', rating: 5, sealed: true },
      { review_id: 'r2', rating: 4, sealed: true },
    ]);
    await spec.given(swapHistory.slice(6));
    expect(await sealed()).toEqual([
      { review_id: 'r0', rating: 3, sealed: false },
      { review_id: 'r1', rating: 5, sealed: false },
      { review_id: 'r2', rating: 4, sealed: true },
    ]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(swapHistory);
    expect(oneByOne).toEqual(batched);
  });
});
