import type { PoolClient } from '../../infra/db/index.ts';
import type { RunOf } from '../../infra/projections/index.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';

// Registrations and waitlists: registering, waitlisting, cancelling and promotions are most of a busy log, so a
// run of them is written set-based: each (session, member) row is folded in memory and written once, and each
// session's counts are recomputed once, with the result of applying the events one by one.

type Seat = 'MemberRegistered' | 'WaitlistPromoted' | 'MemberWaitlisted' | 'RegistrationCancelled';

const STATUS: Record<Seat, string> = {
  MemberRegistered: 'registered',
  WaitlistPromoted: 'registered',
  MemberWaitlisted: 'waitlisted',
  RegistrationCancelled: 'cancelled',
};

/**
 * A row's place in line (`queued_at`, the event's log position) and `registered_at` are set when it is created and
 * again when a cancelled registration comes back; otherwise only the status changes. `reset` marks a stored row
 * whose place is taken anew, so stored timestamps are never read into JavaScript (which would cut microseconds).
 */
type Row = { status: string; stored: boolean; reset: boolean; queuedAt: number; registeredAt: Date };

export async function applyRegistrations(client: PoolClient, run: RunOf<SessionEvent, Seat>): Promise<void> {
  const key = (sessionId: string, memberId: string) => `${sessionId}\u0000${memberId}`;
  const changes = run.map((e) => ({
    sessionId: e.data.sessionId,
    memberId: e.data.memberId,
    status: STATUS[e.type],
    event: e,
  }));
  const pairs = [...new Map(changes.map((c) => [key(c.sessionId, c.memberId), c])).values()];
  const { rows: stored } = await client.query<{ session_id: string; member_id: string; status: string }>(
    `SELECT r.session_id, r.member_id, r.status FROM session_registrations r
       JOIN unnest($1::text[], $2::text[]) AS k(session_id, member_id)
         ON r.session_id = k.session_id AND r.member_id = k.member_id`,
    [pairs.map((c) => c.sessionId), pairs.map((c) => c.memberId)],
  );
  const rows = new Map<string, Row>();
  for (const r of stored) {
    rows.set(key(r.session_id, r.member_id), {
      status: r.status,
      stored: true,
      reset: false,
      queuedAt: 0,
      registeredAt: new Date(0),
    });
  }
  for (const c of changes) {
    const k = key(c.sessionId, c.memberId);
    const row = rows.get(k);
    if (!row) {
      rows.set(k, {
        status: c.status,
        stored: false,
        reset: false,
        queuedAt: c.event.globalPosition,
        registeredAt: c.event.recordedAt,
      });
      continue;
    }
    if (row.status === 'cancelled') {
      row.reset = true;
      row.queuedAt = c.event.globalPosition;
      row.registeredAt = c.event.recordedAt;
    }
    row.status = c.status;
  }
  const entries = [...rows.entries()].map(([k, row]) => ({
    ids: k.split('\u0000') as [string, string],
    row,
  }));
  const fresh = entries.filter((e) => !e.row.stored);
  const changed = entries.filter((e) => e.row.stored);
  const columns = (list: typeof entries) => [
    list.map((e) => e.ids[0]),
    list.map((e) => e.ids[1]),
    list.map((e) => e.row.status),
    list.map((e) => e.row.queuedAt),
    list.map((e) => e.row.registeredAt),
  ];
  if (fresh.length > 0) {
    await client.query(
      `INSERT INTO session_registrations (session_id, member_id, status, queued_at, registered_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[])`,
      columns(fresh),
    );
  }
  if (changed.length > 0) {
    await client.query(
      `UPDATE session_registrations r SET status = v.status,
         queued_at = CASE WHEN v.reset THEN v.queued_at ELSE r.queued_at END,
         registered_at = CASE WHEN v.reset THEN v.registered_at ELSE r.registered_at END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::boolean[])
           AS v(session_id, member_id, status, queued_at, registered_at, reset)
        WHERE r.session_id = v.session_id AND r.member_id = v.member_id`,
      [...columns(changed), changed.map((e) => e.row.reset)],
    );
  }
  await client.query(
    `UPDATE session_listings l SET registered_count = c.registered, waitlist_count = c.waitlisted
       FROM (SELECT s.session_id,
                    count(*) FILTER (WHERE r.status = 'registered') AS registered,
                    count(*) FILTER (WHERE r.status = 'waitlisted') AS waitlisted
               FROM unnest($1::text[]) AS s(session_id)
               LEFT JOIN session_registrations r ON r.session_id = s.session_id
              GROUP BY s.session_id) c
      WHERE l.session_id = c.session_id`,
    [[...new Set(changes.map((c) => c.sessionId))]],
  );
}
