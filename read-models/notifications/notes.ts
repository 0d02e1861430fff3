import { createHash } from 'node:crypto';
import type { PoolClient } from '../../infra/db/index.ts';

/** What the projector keeps of a session to word its notifications (notification_sessions). */
export type SessionInfo = { title: string; host_id: string; starts_at: Date | string; timezone: string };

/** One notification to one member, caused by one event. */
export type Note = {
  event: { streamId: string; streamVersion: number; recordedAt: Date };
  memberId: string;
  kind: string;
  /** Null for news about a swap. */
  sessionId: string | null;
  title: string;
  body: string;
};

// Ids come from the event and the recipient, so a rebuild recreates the same notifications (and read marks).
export const notificationId = (event: Pick<Note['event'], 'streamId' | 'streamVersion'>, memberId: string) =>
  createHash('sha256')
    .update(`${event.streamId}:${event.streamVersion}:${memberId}`)
    .digest('hex')
    .slice(0, 32);

/** The notifications of a run in one statement, in log order (a repeated id keeps its first row). */
export async function insertNotes(db: PoolClient, notes: Note[]) {
  if (notes.length === 0) return;
  await db.query(
    `INSERT INTO notifications (notification_id, member_id, kind, session_id, title, body, created_at)
     SELECT i, m, k, s, t, b, a
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         WITH ORDINALITY AS n(i, m, k, s, t, b, a, o)
      ORDER BY o
     ON CONFLICT (notification_id) DO NOTHING`,
    [
      notes.map((n) => notificationId(n.event, n.memberId)),
      notes.map((n) => n.memberId),
      notes.map((n) => n.kind),
      notes.map((n) => n.sessionId),
      notes.map((n) => n.title),
      notes.map((n) => n.body),
      notes.map((n) => n.event.recordedAt),
    ],
  );
}

/** The sessions a run names, in one query. */
export async function sessionsOf(db: PoolClient, sessionIds: string[]): Promise<Map<string, SessionInfo>> {
  const { rows } = await db.query<SessionInfo & { session_id: string }>(
    'SELECT session_id, title, host_id, starts_at, timezone FROM notification_sessions WHERE session_id = ANY($1)',
    [[...new Set(sessionIds)]],
  );
  return new Map(rows.map(({ session_id, ...s }) => [session_id, s]));
}

/** Who is registered or waitlisted for each of these sessions: the people to tell about a change. */
export async function audiencesOf(db: PoolClient, sessionIds: string[]) {
  const { rows } = await db.query<{ session_id: string; member_id: string; status: string }>(
    'SELECT session_id, member_id, status FROM notification_audience WHERE session_id = ANY($1)',
    [[...new Set(sessionIds)]],
  );
  const audiences = new Map<string, { memberId: string; status: string }[]>();
  for (const r of rows) {
    audiences.set(r.session_id, [
      ...(audiences.get(r.session_id) ?? []),
      { memberId: r.member_id, status: r.status },
    ]);
  }
  return (sessionId: string, statuses = ['registered', 'waitlisted']) =>
    (audiences.get(sessionId) ?? []).filter((m) => statuses.includes(m.status)).map((m) => m.memberId);
}
