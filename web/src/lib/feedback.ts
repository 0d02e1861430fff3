// Shapes of the feedback, gamification and inbox APIs (modules/feedback, modules/gamification,
// modules/sessions/http/inbox.ts) and the small rules pages and islands share about them, so the
// session page, the profile and the islands never disagree on wording or on the 14-day window.

import { REVIEW_LIMITS } from '../../../modules/feedback/limits.ts';
import type { BadgeCatalogue } from '../../../modules/gamification/schemas.ts';
import type { LeaderboardEntryView } from '../../../read-models/leaderboards/views.ts';
import type { NotificationPageView, NotificationView } from '../../../read-models/notifications/views.ts';
import type { ReviewView } from '../../../read-models/reviews/views.ts';
import { api, type Page } from './api.ts';
import { formatDay } from './format.ts';

export type { BadgeCatalogue };
export { formatDay };
export type Review = ReviewView;
export type LeaderboardEntry = LeaderboardEntryView;
export type Notification = NotificationView;
export type NotificationPage = NotificationPageView;

/** GET /api/sessions/:id/reviews/mine: what became of the viewer's own review of a session. */
export type OwnReviewStatus = 'none' | 'visible' | 'hidden' | 'deleted';
export type OwnReview = { status: OwnReviewStatus; review: Review | null };

/** The server's own rules (modules/feedback/limits.ts: the decider's edit window, the request schemas' limit). */
export const EDIT_WINDOW_DAYS = REVIEW_LIMITS.editWindowDays;
export const COMMENT_MAX = REVIEW_LIMITS.commentMax;

/** Words beside the stars, so a rating never depends on counting shapes. */
export const RATING_WORDS: Record<number, string> = {
  1: 'Poor',
  2: 'Fair',
  3: 'Good',
  4: 'Very good',
  5: 'Excellent',
};

/** The star outline shared by the static lists and the islands (same as Icon.astro's "star"). */
export const STAR_PATH = 'M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z';

export function ratingText(rating: number): string {
  return `${rating} out of 5 stars`;
}

/** The server measures the window from submission; a minute of slack avoids offering an edit it would refuse. */
export function canChange(review: Pick<Review, 'createdAt'>, now = Date.now()): boolean {
  const at = Date.parse(review.createdAt);
  return Number.isFinite(at) && now - at < EDIT_WINDOW_DAYS * 86400_000 - 60_000;
}

export function editableUntil(review: Pick<Review, 'createdAt'>): string {
  return new Date(Date.parse(review.createdAt) + EDIT_WINDOW_DAYS * 86400_000).toISOString();
}

/** Average of a list of ratings with one decimal, or null for none. */
export function averageOf(ratings: number[]): number | null {
  if (ratings.length === 0) return null;
  return Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10;
}

/**
 * Every visible review of a session, page by page, up to `max`: the session page needs the viewer's own review
 * (to offer the form or the edit) even when it is not among the newest.
 */
export async function loadSessionReviews(locals: App.Locals, sessionId: string, max = 500) {
  const items: Review[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await api<Page<Review>>(
      locals,
      `/api/sessions/${encodeURIComponent(sessionId)}/reviews?limit=100${q}`,
    );
    if (!res.ok || !Array.isArray(res.data.items)) return { ok: items.length > 0, items, complete: false };
    items.push(...res.data.items);
    cursor = res.data.nextCursor;
  } while (cursor && items.length < max);
  return { ok: true, items, complete: cursor === null };
}
