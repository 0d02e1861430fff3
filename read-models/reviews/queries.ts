import type { Queryable } from '../../infra/db/index.ts';
import { decodeCursor, encodeCursor, type Page, timeAndId } from '../../infra/http/cursor.ts';
import type { ReviewView } from './views.ts';

type Row = {
  review_id: string;
  session_id: string;
  session_title: string;
  skill: string;
  host_id: string;
  author_id: string;
  author_display_name: string;
  rating: number;
  comment: string;
  reply: string | null;
  replied_at: Date | null;
  created_at: Date;
  edited_at: Date | null;
  sealed: boolean;
};

const toView = (r: Row): ReviewView => ({
  id: r.review_id,
  sessionId: r.session_id,
  sessionTitle: r.session_title,
  skill: r.skill,
  hostId: r.host_id,
  author: { id: r.author_id, displayName: r.author_display_name },
  rating: r.rating,
  comment: r.comment,
  reply: r.reply === null ? null : { text: r.reply, at: r.replied_at!.toISOString() },
  createdAt: r.created_at.toISOString(),
  editedAt: r.edited_at?.toISOString() ?? null,
  sealed: r.sealed,
});

/** Visible reviews (not deleted, not hidden by moderation, not a swap review still sealed), newest first. */
async function page(
  db: Queryable,
  column: 'session_id' | 'host_id',
  id: string,
  limit: number,
  cursor?: string,
) {
  const params: unknown[] = [id, limit + 1];
  let after = '';
  if (cursor) {
    const [at, lastId] = decodeCursor(cursor, timeAndId);
    params.push(at, lastId);
    after = 'AND (created_at, review_id) < ($3::timestamptz, $4)';
  }
  const { rows } = await db.query<Row & { cursor_at: string }>(
    `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at FROM reviews WHERE ${column} = $1 AND NOT deleted AND NOT hidden AND NOT sealed ${after}
      ORDER BY created_at DESC, review_id DESC LIMIT $2`,
    params,
  );
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toView),
    nextCursor: rows.length > limit && last ? encodeCursor([last.cursor_at, last.review_id]) : null,
  } satisfies Page<ReviewView>;
}

export const sessionReviews = (db: Queryable, sessionId: string, limit: number, cursor?: string) =>
  page(db, 'session_id', sessionId, limit, cursor);

export const hostReviews = (db: Queryable, hostId: string, limit: number, cursor?: string) =>
  page(db, 'host_id', hostId, limit, cursor);

/** Who asks for a review: a sealed swap review is shown to its author and to moderators only. */
export type ReviewViewer = { memberId: string; isModerator: boolean } | null;

export async function getReview(
  db: Queryable,
  reviewId: string,
  viewer: ReviewViewer = null,
): Promise<ReviewView | null> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM reviews WHERE review_id = $1 AND NOT deleted AND NOT hidden
        AND (NOT sealed OR author_id = $2 OR $3)`,
    [reviewId, viewer?.memberId ?? null, viewer?.isModerator ?? false],
  );
  return rows[0] ? toView(rows[0]) : null;
}

export type OwnReviewView = { status: 'none' | 'visible' | 'hidden' | 'deleted'; review: ReviewView | null };

/**
 * A member's own review of a session, whatever became of it: a session is reviewed once, so its author must learn
 * that a moderator hid it (or that they deleted it) rather than be offered a form the decider would refuse.
 */
export async function ownReview(db: Queryable, sessionId: string, authorId: string): Promise<OwnReviewView> {
  const { rows } = await db.query<Row & { deleted: boolean; hidden: boolean }>(
    'SELECT * FROM reviews WHERE session_id = $1 AND author_id = $2 ORDER BY created_at DESC LIMIT 1',
    [sessionId, authorId],
  );
  const row = rows[0];
  if (!row) return { status: 'none', review: null };
  if (row.deleted) return { status: 'deleted', review: null };
  return { status: row.hidden ? 'hidden' : 'visible', review: toView(row) };
}

/** The session a review is about, whatever became of the review (a moderator reading a report on it needs this). */
export async function reviewedSession(
  db: Queryable,
  reviewId: string,
): Promise<{ sessionId: string; sessionTitle: string } | null> {
  const { rows } = await db.query<{ session_id: string; session_title: string }>(
    'SELECT session_id, session_title FROM reviews WHERE review_id = $1',
    [reviewId],
  );
  return rows[0] ? { sessionId: rows[0].session_id, sessionTitle: rows[0].session_title } : null;
}

/**
 * Every review a member wrote or received as host, hidden ones too, for their data export (GET /api/me/export):
 * their own words, and what was said about them, whatever moderation did with it. Deleted reviews are gone, and a
 * swap review the member received is left out while it is sealed (their own sealed ones are theirs to see).
 */
export async function memberReviews(db: Queryable, memberId: string) {
  const { rows } = await db.query<Row & { hidden: boolean }>(
    `SELECT * FROM reviews WHERE (author_id = $1 OR (host_id = $1 AND NOT sealed)) AND NOT deleted
      ORDER BY created_at, review_id`,
    [memberId],
  );
  const view = (r: Row & { hidden: boolean }) => ({ ...toView(r), hiddenByModeration: r.hidden });
  return {
    written: rows.filter((r) => r.author_id === memberId).map(view),
    received: rows.filter((r) => r.host_id === memberId && !r.sealed).map(view),
  };
}
