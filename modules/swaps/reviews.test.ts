// Pure unit tests of a swap's blind reviews: given the stream's events, when a review is recorded or the reveal
// job runs, then these events. No database; time in the commands.
import { describe, expect, it } from 'vitest';
import { REVIEW_SEAL_DAYS } from './events.ts';
import {
  decideSwapReviews,
  evolveSwapReviews,
  initialSwapReviews,
  type SwapReviewCommand,
  type SwapReviewEvent,
} from './reviews.ts';

const DAY = 86400_000;
const WRITTEN = '2026-06-01T10:00:00.000Z';
const at = (days: number) => new Date(Date.parse(WRITTEN) + days * DAY);
const REVEAL_AT = at(REVIEW_SEAL_DAYS).toISOString();

const record = (reviewId: string, authorId: string, writtenAt = WRITTEN): SwapReviewCommand => ({
  type: 'Record',
  data: { swapId: 'sw1', reviewId, authorId, writtenAt },
});
const reveal = (now: Date): SwapReviewCommand => ({ type: 'Reveal', data: { swapId: 'sw1' }, now });
const sealed = (reviewId: string, authorId: string, revealAt = REVEAL_AT): SwapReviewEvent => ({
  type: 'SwapReviewSealed',
  data: { swapId: 'sw1', reviewId, authorId, revealAt },
});
const revealed = (reviewIds: string[], reason: 'both' | 'time'): SwapReviewEvent => ({
  type: 'SwapReviewsRevealed',
  data: { swapId: 'sw1', reviewIds, reason },
});

const given = (events: SwapReviewEvent[]) => ({
  when: (cmd: SwapReviewCommand) => ({
    decides: (expected: SwapReviewEvent[]) =>
      expect(decideSwapReviews(cmd, events.reduce(evolveSwapReviews, initialSwapReviews))).toEqual(expected),
  }),
});

describe('the blind reviews of a swap', () => {
  it('seals the first review until REVIEW_SEAL_DAYS after it was written', () =>
    given([])
      .when(record('r1', 'ana'))
      .decides([sealed('r1', 'ana')]));

  it("reveals both at once when the partner's review is written", () =>
    given([sealed('r1', 'ana')])
      .when(record('r2', 'ben', at(3).toISOString()))
      .decides([
        sealed('r2', 'ben', at(3 + REVIEW_SEAL_DAYS).toISOString()),
        revealed(['r1', 'r2'], 'both'),
      ]));

  it('shows the second review at once when the first was revealed by its time already', () =>
    given([sealed('r1', 'ana'), revealed(['r1'], 'time')])
      .when(record('r2', 'ben', at(20).toISOString()))
      .decides([sealed('r2', 'ben', at(20 + REVIEW_SEAL_DAYS).toISOString()), revealed(['r2'], 'both')]));

  it('keeps a second review by the same member sealed: the partner has not written', () =>
    given([sealed('r1', 'ana')])
      .when(record('r3', 'ana'))
      .decides([sealed('r3', 'ana')]));

  it('records a review once, however often it is replayed', () => {
    given([sealed('r1', 'ana')])
      .when(record('r1', 'ana'))
      .decides([]);
    given([sealed('r1', 'ana'), sealed('r2', 'ben'), revealed(['r1', 'r2'], 'both')])
      .when(record('r2', 'ben'))
      .decides([]);
  });

  it('does not reveal a lone review before its time', () =>
    given([sealed('r1', 'ana')])
      .when(reveal(new Date(at(REVIEW_SEAL_DAYS).getTime() - 1)))
      .decides([]));

  it('reveals a lone review once its time is up', () =>
    given([sealed('r1', 'ana')])
      .when(reveal(at(REVIEW_SEAL_DAYS)))
      .decides([revealed(['r1'], 'time')]));

  it('reveals nothing more when the job runs again, or after both were revealed', () => {
    given([sealed('r1', 'ana'), revealed(['r1'], 'time')])
      .when(reveal(at(30)))
      .decides([]);
    given([sealed('r1', 'ana'), sealed('r2', 'ben'), revealed(['r1', 'r2'], 'both')])
      .when(reveal(at(30)))
      .decides([]);
  });
});
