import type { Queryable } from '../../infra/db/index.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';

export type AuditEntry = {
  id: string;
  at: string;
  actor: { id: string; displayName: string } | null;
  action: string;
  target: { type: string; id: string } | null;
  note: string;
};

export class BadCursorError extends Error {}

/** Newest first. Actor names come from the member profiles read model at read time. */
export async function auditLog(db: Queryable, limit: number, cursor?: string) {
  const params: unknown[] = [limit + 1];
  let after = '';
  if (cursor) {
    const c = decodeCursor(cursor);
    if (!c || c.length !== 2 || typeof c[0] !== 'string' || typeof c[1] !== 'string') throw new BadCursorError('cursor is not valid');
    params.push(c[0], c[1]);
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
  }>(
    `SELECT a.*, p.display_name FROM audit_log a LEFT JOIN member_profiles p ON p.member_id = a.actor_id
      ${after} ORDER BY a.at DESC, a.entry_id DESC LIMIT $1`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(
      (r): AuditEntry => ({
        id: r.entry_id,
        at: r.at.toISOString(),
        actor: r.actor_id ? { id: r.actor_id, displayName: r.display_name ?? 'Member' } : null,
        action: r.action,
        target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
        note: r.note,
      }),
    ),
    nextCursor: rows.length > limit && last ? encodeCursor([last.at.toISOString(), last.entry_id]) : null,
  };
}
