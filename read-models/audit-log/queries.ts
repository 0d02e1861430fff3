import type { Queryable } from '../../infra/db/index.ts';
import { decodeCursor, encodeCursor, timeAndId } from '../../infra/http/cursor.ts';
import type { AuditEntryView } from './views.ts';

/** Newest first. Actor names come from the member profiles read model at read time. */
export async function auditLog(db: Queryable, limit: number, cursor?: string) {
  const params: unknown[] = [limit + 1];
  let after = '';
  if (cursor) {
    params.push(...decodeCursor(cursor, timeAndId));
    after = 'WHERE (a.at, a.entry_id) < ($2::timestamptz, $3)';
  }
  const { rows } = await db.query<{
    entry_id: string;
    at: Date;
    actor_id: string | null;
    display_name: string | null;
    action: string;
    target_type: string | null;
    target_id: string | null;
    note: string;
    cursor_at: string;
  }>(
    `SELECT a.*, p.display_name, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
       FROM audit_log a LEFT JOIN member_profiles p ON p.member_id = a.actor_id
      ${after} ORDER BY a.at DESC, a.entry_id DESC LIMIT $1`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(
      (r): AuditEntryView => ({
        id: r.entry_id,
        at: r.at.toISOString(),
        actor: r.actor_id ? { id: r.actor_id, displayName: r.display_name ?? 'Member' } : null,
        action: r.action,
        target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
        note: r.note,
      }),
    ),
    // The time at full (microsecond) precision: a JS Date keeps milliseconds, so the cursor sorted before its own
    // row and the next page skipped every older entry of the same millisecond (one transaction's share one time).
    nextCursor: rows.length > limit && last ? encodeCursor([last.cursor_at, last.entry_id]) : null,
  };
}
