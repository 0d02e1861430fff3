import type { Queryable } from '../../infra/db/index.ts';
import { decodeCursor, encodeCursor, type Page, timeAndId } from '../../infra/http/cursor.ts';
import type { SwapStatus } from '../../modules/swaps/events.ts';
import { messageStream } from '../../modules/swaps/events.ts';
import { notificationId } from '../notifications/notes.ts';
import type { MessageView, SwapExportView, SwapView } from './views.ts';

type Row = {
  swap_id: string;
  proposer_id: string;
  proposer_name: string | null;
  receiver_id: string;
  receiver_name: string | null;
  offer_skill: string;
  want_skill: string;
  status: SwapStatus;
  session_ids: string[];
  created_at: Date;
  expires_at: Date;
  updated_at: Date;
  cursor_at: string;
};

// A proposal past its expiry reads as expired at once, although the job that records it may run a little later.
const STATUS = `CASE WHEN s.status = 'proposed' AND s.expires_at <= now() THEN 'expired' ELSE s.status END`;

const SELECT = `SELECT s.swap_id, s.proposer_id, p.display_name AS proposer_name, s.receiver_id,
    r.display_name AS receiver_name, s.offer_skill, s.want_skill, ${STATUS} AS status, s.session_ids, s.created_at,
    s.expires_at, s.updated_at, to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
  FROM swaps s
  LEFT JOIN member_profiles p ON p.member_id = s.proposer_id
  LEFT JOIN member_profiles r ON r.member_id = s.receiver_id`;

const toView = (r: Row): SwapView => ({
  id: r.swap_id,
  proposer: { id: r.proposer_id, displayName: r.proposer_name ?? 'Member' },
  receiver: { id: r.receiver_id, displayName: r.receiver_name ?? 'Member' },
  offerSkill: r.offer_skill,
  wantSkill: r.want_skill,
  status: r.status,
  sessionIds: r.session_ids,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
});

export async function getSwap(db: Queryable, swapId: string): Promise<SwapView | null> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE s.swap_id = $1`, [swapId]);
  return rows[0] ? toView(rows[0]) : null;
}

/** A member's swaps from either side, newest first, optionally of one status. */
export async function memberSwaps(
  db: Queryable,
  memberId: string,
  query: { status?: SwapStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<SwapView>> {
  const params: unknown[] = [memberId, query.limit + 1];
  const where = ['(s.proposer_id = $1 OR s.receiver_id = $1)'];
  if (query.status) {
    params.push(query.status);
    where.push(`${STATUS} = $${params.length}`);
  }
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, timeAndId);
    params.push(at, id);
    where.push(`(s.created_at, s.swap_id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  const { rows } = await db.query<Row>(
    `${SELECT} WHERE ${where.join(' AND ')} ORDER BY s.created_at DESC, s.swap_id DESC LIMIT $2`,
    params,
  );
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toView),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.cursor_at, last.swap_id]) : null,
  };
}

/**
 * Every swap of a member's, from either side, oldest first, each with its whole thread (hidden messages marked):
 * for "Download my data". A member has few swaps (one open per pair, a few proposals a day), so no paging.
 */
export async function memberSwapsExport(db: Queryable, memberId: string): Promise<SwapExportView[]> {
  const [swaps, messages] = await Promise.all([
    db.query<Row>(
      `${SELECT} WHERE s.proposer_id = $1 OR s.receiver_id = $1 ORDER BY s.created_at, s.swap_id`,
      [memberId],
    ),
    db.query<{
      message_id: string;
      swap_id: string;
      author_id: string;
      display_name: string | null;
      body: string;
      sent_at: Date;
      hidden: boolean;
    }>(
      `SELECT m.message_id, m.swap_id, m.author_id, p.display_name, m.body, m.sent_at, m.hidden
         FROM swaps s JOIN swap_messages m ON m.swap_id = s.swap_id
         LEFT JOIN member_profiles p ON p.member_id = m.author_id
        WHERE s.proposer_id = $1 OR s.receiver_id = $1
        ORDER BY m.sent_at, m.message_id`,
      [memberId],
    ),
  ]);
  const threads = new Map<string, SwapExportView['messages']>();
  for (const m of messages.rows) {
    const thread = threads.get(m.swap_id) ?? [];
    thread.push({
      id: m.message_id,
      author: { id: m.author_id, displayName: m.display_name ?? 'Member' },
      body: m.body,
      sentAt: m.sent_at.toISOString(),
      hiddenByModeration: m.hidden,
    });
    threads.set(m.swap_id, thread);
  }
  return swaps.rows.map((r) => ({
    ...toView(r),
    updatedAt: r.updated_at.toISOString(),
    messages: threads.get(r.swap_id) ?? [],
  }));
}

/** A swap's thread, oldest first, without the messages moderators hid. */
export async function swapMessages(
  db: Queryable,
  swapId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<MessageView>> {
  const params: unknown[] = [swapId, query.limit + 1];
  let after = '';
  if (query.cursor) {
    params.push(...decodeCursor(query.cursor, timeAndId));
    after = 'AND (m.sent_at, m.message_id) > ($3::timestamptz, $4)';
  }
  const { rows } = await db.query<{
    message_id: string;
    author_id: string;
    display_name: string | null;
    body: string;
    sent_at: Date;
    cursor_at: string;
  }>(
    `SELECT m.message_id, m.author_id, p.display_name, m.body, m.sent_at,
            to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
       FROM swap_messages m LEFT JOIN member_profiles p ON p.member_id = m.author_id
      WHERE m.swap_id = $1 AND NOT m.hidden ${after}
      ORDER BY m.sent_at, m.message_id LIMIT $2`,
    params,
  );
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => ({
      id: r.message_id,
      author: { id: r.author_id, displayName: r.display_name ?? 'Member' },
      body: r.body,
      sentAt: r.sent_at.toISOString(),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.cursor_at, last.message_id]) : null,
  };
}

/** One message as its thread shows it (null: none, or hidden). */
export async function getMessage(db: Queryable, messageId: string): Promise<MessageView | null> {
  const { rows } = await db.query<{
    author_id: string;
    display_name: string | null;
    body: string;
    sent_at: Date;
  }>(
    `SELECT m.author_id, p.display_name, m.body, m.sent_at FROM swap_messages m
       LEFT JOIN member_profiles p ON p.member_id = m.author_id WHERE m.message_id = $1 AND NOT m.hidden`,
    [messageId],
  );
  const m = rows[0];
  if (!m) return null;
  const author = { id: m.author_id, displayName: m.display_name ?? 'Member' };
  return { id: messageId, author, body: m.body, sentAt: m.sent_at.toISOString() };
}

/** Who wrote a message and in which swap (for reports of it); null when there is no such message. */
export async function messageOwner(db: Queryable, messageId: string) {
  const { rows } = await db.query<{ author_id: string; swap_id: string }>(
    'SELECT author_id, swap_id FROM swap_messages WHERE message_id = $1',
    [messageId],
  );
  return rows[0] ? { authorId: rows[0].author_id, swapId: rows[0].swap_id } : null;
}

/**
 * The messages of a swap written by the other member and still visible whose notification the member has not
 * opened (nor seen by opening the thread): what an "unread messages" email counts.
 */
export async function unreadMessages(db: Queryable, swapId: string, memberId: string) {
  const { rows } = await db.query<{ message_id: string }>(
    `SELECT message_id FROM swap_messages
      WHERE swap_id = $1 AND author_id <> $2 AND NOT hidden AND message_id <> swap_id`,
    [swapId, memberId],
  );
  const notes = new Map(
    rows.map((r) => [
      notificationId({ streamId: messageStream(r.message_id), streamVersion: 1 }, memberId),
      r.message_id,
    ]),
  );
  if (notes.size === 0) return [];
  const { rows: unread } = await db.query<{ notification_id: string }>(
    'SELECT notification_id FROM notifications WHERE member_id = $1 AND notification_id = ANY($2) AND read_at IS NULL',
    [memberId, [...notes.keys()]],
  );
  return unread.map((n) => ({
    messageId: notes.get(n.notification_id) as string,
    notificationId: n.notification_id,
  }));
}
