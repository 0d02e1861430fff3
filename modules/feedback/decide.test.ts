// Pure unit tests of the review rules: decide and evolve, with time given in the commands. No database.
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../infra/event-store/index.ts';
import { decide, type FeedbackCommand, type ReviewedSession } from './decide.ts';
import { feedbackEvents } from './events.ts';
import { EDIT_WINDOW_DAYS, evolve, initialReview, type Review, type ReviewEvent } from './review.ts';

const DAY = 86400_000;
const SUBMITTED = new Date('2026-03-01T12:00:00Z');
const later = (ms: number) => new Date(SUBMITTED.getTime() + ms);

const session = (overrides: Partial<ReviewedSession> = {}): ReviewedSession => ({
  sessionId: 's1',
  hostId: 'host',
  skill: 'Baking',
  status: 'completed',
  attendeeIds: ['ada', 'bob'],
  swapId: null,
  ...overrides,
});
const submit = (authorId = 'ada', s = session(), rating = 4): FeedbackCommand => ({
  type: 'Submit',
  data: { reviewId: 'r1', authorId, rating, comment: 'Good bread', session: s },
});

/** The review as stored: ReviewSubmitted recorded at SUBMITTED. */
const visible: Review = evolve(initialReview, {
  type: 'ReviewSubmitted',
  data: {
    reviewId: 'r1',
    sessionId: 's1',
    hostId: 'host',
    authorId: 'ada',
    skill: 'Baking',
    rating: 4,
    comment: 'Good bread',
    swapId: null,
  },
  recordedAt: SUBMITTED,
});
const reasonOf = (result: ReturnType<typeof decide>) => (Array.isArray(result) ? 'accepted' : result.reason);

describe('submitting a review', () => {
  it('accepts an attendee of a completed session, naming host and skill', () => {
    expect(decide(submit(), initialReview)).toEqual([
      {
        type: 'ReviewSubmitted',
        data: {
          reviewId: 'r1',
          sessionId: 's1',
          hostId: 'host',
          authorId: 'ada',
          skill: 'Baking',
          rating: 4,
          comment: 'Good bread',
          swapId: null,
        },
      },
    ]);
  });

  it("names the session's swap, whose reviews are sealed until both are written", () => {
    const [event] = decide(submit('ada', session({ swapId: 'sw1' })), initialReview) as ReviewEvent[];
    expect(event).toMatchObject({ type: 'ReviewSubmitted', data: { swapId: 'sw1' } });
  });

  it.each([
    ['an unknown session', submit('ada', session({ status: 'none' })), 'not_found'],
    ['the host', submit('host'), 'forbidden'],
    ['a member who did not attend', submit('carol'), 'forbidden'],
    ['a scheduled session', submit('ada', session({ status: 'scheduled', attendeeIds: [] })), 'conflict'],
    ['a cancelled session', submit('ada', session({ status: 'cancelled' })), 'conflict'],
  ])('refuses %s', (_what, cmd, reason) => {
    expect(reasonOf(decide(cmd, initialReview))).toBe(reason);
  });

  it('refuses a second review, also after the first was deleted', () => {
    expect(reasonOf(decide(submit(), visible))).toBe('conflict');
    expect(reasonOf(decide(submit(), { ...visible, status: 'deleted' } as Review))).toBe('conflict');
  });
});

describe(`editing and deleting (author only, within ${EDIT_WINDOW_DAYS} days)`, () => {
  const edit = (
    now: Date,
    data: Partial<{ actorId: string; rating: number; comment: string }> = {},
  ): FeedbackCommand => ({
    type: 'Edit',
    data: { actorId: 'ada', ...data },
    now,
  });
  const del = (now: Date, actorId = 'ada'): FeedbackCommand => ({ type: 'Delete', data: { actorId }, now });

  it('emits only what changed', () => {
    expect(decide(edit(later(DAY), { rating: 5, comment: 'Good bread' }), visible)).toEqual([
      { type: 'ReviewEdited', data: { reviewId: 'r1', hostId: 'host', rating: 5 } },
    ]);
    expect(decide(edit(later(DAY), { comment: 'Great bread' }), visible)).toEqual([
      { type: 'ReviewEdited', data: { reviewId: 'r1', hostId: 'host', comment: 'Great bread' } },
    ]);
    expect(decide(edit(later(DAY), { rating: 4 }), visible)).toEqual([]);
    expect(decide(edit(later(DAY)), visible)).toEqual([]);
  });

  it('allows the edge of the window exactly, and refuses one millisecond later', () => {
    const edge = later(EDIT_WINDOW_DAYS * DAY);
    const late = later(EDIT_WINDOW_DAYS * DAY + 1);
    expect(reasonOf(decide(edit(edge, { rating: 2 }), visible))).toBe('accepted');
    expect(reasonOf(decide(del(edge), visible))).toBe('accepted');
    expect(reasonOf(decide(edit(late, { rating: 2 }), visible))).toBe('conflict');
    expect(reasonOf(decide(del(late), visible))).toBe('conflict');
    // An old review (a month) cannot be changed at all, not even with nothing to change
    expect(reasonOf(decide(edit(later(30 * DAY)), visible))).toBe('conflict');
  });

  it('counts the window from the submission, not from the last edit', () => {
    const edited = evolve(visible, {
      type: 'ReviewEdited',
      data: { reviewId: 'r1', hostId: 'host', rating: 5 },
      recordedAt: later(10 * DAY),
    });
    expect(edited).toMatchObject({ rating: 5, submittedAt: SUBMITTED.toISOString() });
    expect(reasonOf(decide(edit(later(15 * DAY), { rating: 3 }), edited))).toBe('conflict');
  });

  it('refuses anyone but the author, even the host', () => {
    expect(reasonOf(decide(edit(later(DAY), { actorId: 'bob', rating: 1 }), visible))).toBe('forbidden');
    expect(reasonOf(decide(del(later(DAY), 'host'), visible))).toBe('forbidden');
  });

  it('deletes once: a deleted or unknown review is not found', () => {
    expect(decide(del(later(DAY)), visible)).toEqual([
      { type: 'ReviewDeleted', data: { reviewId: 'r1', hostId: 'host' } },
    ]);
    const deleted = evolve(visible, { type: 'ReviewDeleted', data: { reviewId: 'r1', hostId: 'host' } });
    expect(deleted.status).toBe('deleted');
    expect(reasonOf(decide(del(later(DAY)), deleted))).toBe('not_found');
    expect(reasonOf(decide(edit(later(DAY), { rating: 1 }), deleted))).toBe('not_found');
    expect(reasonOf(decide(del(later(DAY)), initialReview))).toBe('not_found');
  });
});

describe('replying', () => {
  const reply = (actorId = 'host'): FeedbackCommand => ({
    type: 'Reply',
    data: { actorId, reply: 'Thank you!' },
  });

  it('lets the host reply once, at any age of the review', () => {
    expect(decide(reply(), visible)).toEqual([
      { type: 'HostReplied', data: { reviewId: 'r1', hostId: 'host', reply: 'Thank you!' } },
    ]);
    const replied = evolve(visible, {
      type: 'HostReplied',
      data: { reviewId: 'r1', hostId: 'host', reply: 'Thank you!' },
    });
    expect(replied).toMatchObject({ reply: 'Thank you!', status: 'visible' });
    expect(reasonOf(decide(reply(), replied))).toBe('conflict');
  });

  it('refuses the author and strangers, and unknown or deleted reviews', () => {
    expect(reasonOf(decide(reply('ada'), visible))).toBe('forbidden');
    expect(reasonOf(decide(reply('bob'), visible))).toBe('forbidden');
    expect(reasonOf(decide(reply(), initialReview))).toBe('not_found');
    expect(reasonOf(decide(reply(), { ...visible, status: 'deleted' } as Review))).toBe('not_found');
  });
});

describe('evolve', () => {
  it('folds a submission with its recorded time, and ignores later events without one', () => {
    expect(visible).toEqual({
      reviewId: 'r1',
      sessionId: 's1',
      hostId: 'host',
      authorId: 'ada',
      skill: 'Baking',
      rating: 4,
      comment: 'Good bread',
      swapId: null,
      status: 'visible',
      submittedAt: '2026-03-01T12:00:00.000Z',
      reply: null,
    });
    expect(
      evolve(initialReview, { type: 'ReviewDeleted', data: { reviewId: 'r1', hostId: 'host' } }),
    ).toEqual(initialReview);
  });

  it('keeps the fields an edit leaves out', () => {
    const edited = evolve(visible, {
      type: 'ReviewEdited',
      data: { reviewId: 'r1', hostId: 'host', comment: 'Meh' },
    });
    expect(edited).toMatchObject({ rating: 4, comment: 'Meh', hostId: 'host', reviewId: 'r1' });
  });
});

describe('ReviewSubmitted', () => {
  it('reads a v1 review, written before swaps, as one of no swap', () => {
    const v1 = {
      reviewId: 'r1',
      sessionId: 's1',
      hostId: 'host',
      authorId: 'ada',
      skill: 'Baking',
      rating: 4,
      comment: '',
    };
    expect(createCatalog(feedbackEvents).decode('ReviewSubmitted', 1, v1)).toEqual({ ...v1, swapId: null });
  });
});
