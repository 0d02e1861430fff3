import type { Queryable } from '../../infra/db/index.ts';
import { decodeCursor, encodeCursor, timeAndId } from '../../infra/http/cursor.ts';
import type { NotificationPageView, NotificationView } from './views.ts';

/** A member's notifications, newest first, with the number still unread. */
export async function listNotifications(
  db: Queryable,
  memberId: string,
  limit: number,
  cursor?: string,
): Promise<NotificationPageView> {
  const params: unknown[] = [memberId, limit + 1];
  let after = '';
  if (cursor) {
    params.push(...decodeCursor(cursor, timeAndId));
    after = 'AND (created_at, notification_id) < ($3::timestamptz, $4)';
  }
  const { rows } = await db.query<{
    notification_id: string;
    kind: string;
    session_id: string | null;
    title: string;
    body: string;
    created_at: Date;
    read_at: Date | null;
    cursor_at: string;
  }>(
    `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at FROM notifications WHERE member_id = $1 ${after}
      ORDER BY created_at DESC, notification_id DESC LIMIT $2`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const unread = await unreadCount(db, memberId);
  return {
    items: page.map(
      (r): NotificationView => ({
        id: r.notification_id,
        kind: r.kind,
        sessionId: r.session_id,
        title: r.title,
        body: r.body,
        createdAt: r.created_at.toISOString(),
        read: r.read_at !== null,
      }),
    ),
    nextCursor: rows.length > limit && last ? encodeCursor([last.cursor_at, last.notification_id]) : null,
    unreadCount: unread,
  };
}

export async function unreadCount(db: Queryable, memberId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM notifications WHERE member_id = $1 AND read_at IS NULL',
    [memberId],
  );
  return rows[0]?.n ?? 0;
}

/** One of the member's notifications (null: not theirs, or no such notification). */
export async function getNotification(db: Queryable, memberId: string, id: string) {
  const { rows } = await db.query<{
    notification_id: string;
    kind: string;
    session_id: string | null;
    title: string;
    body: string;
    created_at: Date;
    read_at: Date | null;
  }>('SELECT * FROM notifications WHERE member_id = $1 AND notification_id = $2', [memberId, id]);
  const r = rows[0];
  return r
    ? ({
        id: r.notification_id,
        kind: r.kind,
        sessionId: r.session_id,
        title: r.title,
        body: r.body,
        createdAt: r.created_at.toISOString(),
        read: r.read_at !== null,
      } satisfies NotificationView)
    : null;
}
