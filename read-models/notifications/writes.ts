import { createHash } from 'node:crypto';
import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';

export type SessionInfo = { title: string; host_id: string; starts_at: Date; timezone: string };
/** A notification; `sessionId` null for one about a swap. */
export type Note = { kind: string; sessionId: string | null; title: string; body: string };

/** What the projector reads and writes per event: at once (one event), or gathered for a run (see inRuns). */
export type Sink = {
  session: (sessionId: string) => Promise<SessionInfo | null>;
  /** Who is registered (or waitlisted) for a session: the people to tell about a change. */
  audience: (sessionId: string, statuses?: string[]) => Promise<string[]>;
  setAudience: (sessionId: string, memberId: string, status: string) => Promise<void>;
  notify: (event: StoredEvent, memberIds: string[], n: Note) => Promise<void>;
};

// Ids come from the event and the recipient, so a rebuild recreates the same notifications (and read marks).
const notificationId = (event: StoredEvent, memberId: string) =>
  createHash('sha256')
    .update(`${event.streamId}:${event.streamVersion}:${memberId}`)
    .digest('hex')
    .slice(0, 32);

// Building a DateTimeFormat costs far more than using one: one per time zone, made once.
const formats = new Map<string, Intl.DateTimeFormat>();

export function when(startsAt: Date | string, timezone: string) {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: timezone,
    });
    formats.set(timezone, format);
  }
  return `${format.format(new Date(startsAt))} (${timezone})`;
}

type NoteRow = { id: string; memberId: string; note: Note; at: Date };

async function insertNotes(client: PoolClient, rows: NoteRow[]) {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO notifications (notification_id, member_id, kind, session_id, title, body, created_at)
     SELECT i, m, k, s, t, b, a
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         WITH ORDINALITY AS n(i, m, k, s, t, b, a, o)
      ORDER BY o
     ON CONFLICT (notification_id) DO NOTHING`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.memberId),
      rows.map((r) => r.note.kind),
      rows.map((r) => r.note.sessionId),
      rows.map((r) => r.note.title),
      rows.map((r) => r.note.body),
      rows.map((r) => r.at),
    ],
  );
}

const rowsOf = (event: StoredEvent, memberIds: string[], note: Note): NoteRow[] =>
  memberIds.map((memberId) => ({
    id: notificationId(event, memberId),
    memberId,
    note,
    at: event.recordedAt,
  }));

export function directSink(client: PoolClient): Sink {
  return {
    session: async (sessionId) => {
      const { rows } = await client.query<SessionInfo>(
        'SELECT title, host_id, starts_at, timezone FROM notification_sessions WHERE session_id = $1',
        [sessionId],
      );
      return rows[0] ?? null;
    },
    audience: async (sessionId, statuses = ['registered', 'waitlisted']) => {
      const { rows } = await client.query<{ member_id: string }>(
        'SELECT member_id FROM notification_audience WHERE session_id = $1 AND status = ANY($2)',
        [sessionId, statuses],
      );
      return rows.map((r) => r.member_id);
    },
    setAudience: async (sessionId, memberId, status) => {
      await client.query(
        `INSERT INTO notification_audience (session_id, member_id, status) VALUES ($1, $2, $3)
         ON CONFLICT (session_id, member_id) DO UPDATE SET status = $3`,
        [sessionId, memberId, status],
      );
    },
    notify: (event, memberIds, note) => insertNotes(client, rowsOf(event, memberIds, note)),
  };
}

/**
 * For a run of registration events (which read notification_sessions but never write it, and write the audience
 * and notifications but never read them), or of reminders (which read sessions and audiences, and write only
 * notifications): what they read comes in one query each, each audience row is written once with its last
 * status, and the notifications in one statement, in log order. The result equals one event at a time.
 */
export async function runSink(client: PoolClient, events: StoredEvent[], readsAudience: boolean) {
  const ids = [...new Set(events.map((e) => (e.data as { sessionId: string }).sessionId))];
  const { rows } = await client.query<SessionInfo & { session_id: string }>(
    'SELECT session_id, title, host_id, starts_at, timezone FROM notification_sessions WHERE session_id = ANY($1)',
    [ids],
  );
  const sessions = new Map(rows.map((r) => [r.session_id, r]));
  const audiences = new Map<string, { member_id: string; status: string }[]>();
  if (readsAudience) {
    const { rows: members } = await client.query<{ session_id: string; member_id: string; status: string }>(
      'SELECT session_id, member_id, status FROM notification_audience WHERE session_id = ANY($1)',
      [ids],
    );
    for (const m of members) audiences.set(m.session_id, [...(audiences.get(m.session_id) ?? []), m]);
  }
  const audience = new Map<string, [string, string, string]>();
  const notes: NoteRow[] = [];
  const sink: Sink = {
    session: async (sessionId) => sessions.get(sessionId) ?? null,
    audience: async (sessionId, statuses = ['registered', 'waitlisted']) => {
      if (!readsAudience) throw new Error('this run does not read audiences');
      return (audiences.get(sessionId) ?? [])
        .filter((m) => statuses.includes(m.status))
        .map((m) => m.member_id);
    },
    setAudience: async (sessionId, memberId, status) => {
      if (readsAudience) throw new Error('a run that reads audiences must not write them');
      audience.set(`${sessionId}\u0000${memberId}`, [sessionId, memberId, status]);
    },
    notify: async (event, memberIds, note) => {
      notes.push(...rowsOf(event, memberIds, note));
    },
  };
  const flush = async () => {
    const list = [...audience.values()];
    if (list.length > 0) {
      await client.query(
        `INSERT INTO notification_audience (session_id, member_id, status)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
         ON CONFLICT (session_id, member_id) DO UPDATE SET status = excluded.status`,
        [list.map((a) => a[0]), list.map((a) => a[1]), list.map((a) => a[2])],
      );
    }
    await insertNotes(client, notes);
  };
  return { sink, flush };
}

/** A run of SessionScheduled: the sessions in one statement (a replayed one keeps its first row, as one by one). */
export async function insertSessions(client: PoolClient, events: StoredEvent[]) {
  const d = events.map(
    (e) => e.data as { sessionId: string; title: string; hostId: string; startsAt: string; timezone: string },
  );
  await client.query(
    `INSERT INTO notification_sessions (session_id, title, host_id, starts_at, timezone)
     SELECT s, t, h, a, z FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[])
       WITH ORDINALITY AS n(s, t, h, a, z, i) ORDER BY i
     ON CONFLICT (session_id) DO NOTHING`,
    [
      d.map((x) => x.sessionId),
      d.map((x) => x.title),
      d.map((x) => x.hostId),
      d.map((x) => x.startsAt),
      d.map((x) => x.timezone),
    ],
  );
}
