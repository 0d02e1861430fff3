import type { PoolClient } from '../../infra/db/index.ts';
import { defineProjector, type RunOf } from '../../infra/projections/index.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import { changeDetails, completeSessions, insertSessions, nameHosts } from './batches.ts';
import { applyRegistrations } from './registrations.ts';

type Run<K extends SessionEvent['type']> = RunOf<SessionEvent, K>;

/** The last event of each session in a run: what a run of overwriting events leaves. */
function lastPerSession<T extends { data: { sessionId: string } }>(run: T[]): T[] {
  return [...new Map(run.map((e) => [e.data.sessionId, e])).values()];
}

async function reschedule(db: PoolClient, run: Run<'SessionRescheduled'>) {
  const last = lastPerSession(run).map((e) => e.data);
  await db.query(
    `UPDATE session_listings l SET starts_at = v.starts, duration_minutes = v.minutes,
       ends_at = v.starts + make_interval(mins => v.minutes)
       FROM unnest($1::text[], $2::timestamptz[], $3::int[]) AS v(id, starts, minutes) WHERE l.session_id = v.id`,
    [last.map((d) => d.sessionId), last.map((d) => d.startsAt), last.map((d) => d.durationMinutes)],
  );
}

async function cancel(db: PoolClient, run: Run<'SessionCancelled'>) {
  const last = lastPerSession(run).map((e) => e.data);
  await db.query(
    `UPDATE session_listings l SET status = 'cancelled', cancel_reason = v.reason
       FROM unnest($1::text[], $2::text[]) AS v(id, reason) WHERE l.session_id = v.id`,
    [last.map((d) => d.sessionId), last.map((d) => d.reason)],
  );
}

/** The host did not show: the session stays `scheduled` in status, and says it was not held. */
async function notHeld(db: PoolClient, run: Run<'SessionNotHeld'>) {
  await db.query('UPDATE session_listings SET not_held = true WHERE session_id = ANY($1)', [
    run.map((e) => e.data.sessionId),
  ]);
}

/** The join link used: the first join stays (a member joins once; a replay writes the same). */
async function joins(db: PoolClient, run: Run<'MemberJoined'>) {
  await db.query(
    `UPDATE session_registrations r SET joined_at = v.at
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(session_id, member_id, at)
      WHERE r.session_id = v.session_id AND r.member_id = v.member_id AND r.joined_at IS NULL`,
    [run.map((e) => e.data.sessionId), run.map((e) => e.data.memberId), run.map((e) => e.data.joinedAt)],
  );
}

/** No-shows, dated by the session's start: what the no-show policy counts. */
async function noShows(db: PoolClient, run: Run<'NoShowsRecorded'>) {
  const rows = run.flatMap((e) =>
    e.data.memberIds.map((m) => [e.data.sessionId, m, e.data.startsAt] as const),
  );
  await db.query(
    `UPDATE session_registrations r SET no_show_at = v.at
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(session_id, member_id, at)
      WHERE r.session_id = v.session_id AND r.member_id = v.member_id`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
  );
}

/** Moderation's verdicts on sessions (reviews and members have theirs elsewhere); the last one stays. */
async function moderate(db: PoolClient, run: RunOf<ModerationEvent, 'ContentHidden' | 'ContentRestored'>) {
  const hidden = new Map<string, boolean>();
  for (const e of run)
    if (e.data.targetType === 'session') hidden.set(e.data.targetId, e.type === 'ContentHidden');
  if (hidden.size === 0) return;
  await db.query(
    `UPDATE session_listings l SET hidden = v.hidden FROM unnest($1::text[], $2::boolean[]) AS v(id, hidden)
      WHERE l.session_id = v.id`,
    [[...hidden.keys()], [...hidden.values()]],
  );
}

/** Session listings: what browse, session pages and "My learning" show, seats and waitlists included. */
export const sessionListingsProjector = defineProjector<IdentityEvent | SessionEvent | ModerationEvent>({
  name: 'session_listings',
  tables: ['session_listings', 'session_registrations', 'session_hosts'],
  on: {
    MemberSignedUp: nameHosts,
    ProfileUpdated: nameHosts,
    MemberDeleted: nameHosts,
    SessionScheduled: insertSessions,
    SessionDetailsChanged: changeDetails,
    SessionRescheduled: reschedule,
    SessionCancelled: cancel,
    SessionCompleted: completeSessions,
    SessionNotHeld: notHeld,
    MemberJoined: joins,
    NoShowsRecorded: noShows,
    // Seats and waitlists fold together in log order: a seat taken, freed, then given to the next in line.
    MemberRegistered: applyRegistrations,
    MemberWaitlisted: applyRegistrations,
    RegistrationCancelled: applyRegistrations,
    WaitlistPromoted: applyRegistrations,
    ContentHidden: moderate,
    ContentRestored: moderate,
  },
});
