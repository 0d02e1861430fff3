import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import { DELETED_NAME, type IdentityEventData } from '../../modules/identity/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';

// Runs of new sessions, completions and host names, written set-based (see inRuns) with the result of the
// one-event-at-a-time code in projector.ts. Registrations are in registrations.ts.

export const RUN_GROUPS: Readonly<Record<string, string>> = {
  MemberSignedUp: 'hosts',
  ProfileUpdated: 'hosts',
  MemberDeleted: 'hosts',
  SessionScheduled: 'scheduled',
  SessionCompleted: 'completed',
  MemberRegistered: 'registrations',
  MemberWaitlisted: 'registrations',
  RegistrationCancelled: 'registrations',
  WaitlistPromoted: 'registrations',
};

/** New sessions, each with its host's current name (session_hosts does not change within the run). */
export async function insertSessions(client: PoolClient, events: StoredEvent[]) {
  const d = events.map((e) => ({ ...(e.data as SessionEventData['SessionScheduled']), at: e.recordedAt }));
  const c = <V>(f: (x: (typeof d)[number]) => V) => d.map(f);
  await client.query(
    `INSERT INTO session_listings (session_id, title, skill, skill_key, description, difficulty, prerequisites,
       starts_at, ends_at, duration_minutes, capacity, status, host_id, host_display_name, timezone, meeting_url,
       series_id, scheduled_at, search)
     SELECT v.id, v.title, v.skill, lower(v.skill), v.description, v.difficulty,
       ARRAY(SELECT jsonb_array_elements_text(v.prerequisites)), v.starts, v.starts + make_interval(mins => v.minutes),
       v.minutes, v.capacity, 'scheduled', v.host, coalesce((SELECT display_name FROM session_hosts WHERE member_id = v.host), ''),
       v.timezone, v.url, v.series, v.at,
       setweight(to_tsvector('english', v.title), 'A') || setweight(to_tsvector('english', v.skill), 'A')
         || setweight(to_tsvector('english', v.description), 'B')
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::int[],
                   $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[])
         WITH ORDINALITY AS v(id, title, skill, description, difficulty, prerequisites, starts, minutes, capacity, host,
                              timezone, url, series, at, i)
      ORDER BY v.i
     ON CONFLICT (session_id) DO NOTHING`,
    [
      c((x) => x.sessionId),
      c((x) => x.title),
      c((x) => x.skill),
      c((x) => x.description),
      c((x) => x.difficulty),
      c((x) => JSON.stringify(x.prerequisites)),
      c((x) => x.startsAt),
      c((x) => x.durationMinutes),
      c((x) => x.capacity),
      c((x) => x.hostId),
      c((x) => x.timezone),
      c((x) => x.meetingUrl),
      c((x) => x.seriesId),
      c((x) => x.at),
    ],
  );
}

/** Completed sessions, and who of the registered attended (the last completion of a session counts, as in order). */
export async function completeSessions(client: PoolClient, events: StoredEvent[]) {
  const last = new Map<string, { id: string; at: Date; attendees: string[] }>();
  for (const e of events) {
    const d = e.data as SessionEventData['SessionCompleted'];
    last.delete(d.sessionId);
    last.set(d.sessionId, { id: d.sessionId, at: e.recordedAt, attendees: d.attendeeIds });
  }
  const list = [...last.values()];
  await client.query(
    `UPDATE session_listings l SET status = 'completed', completed_at = v.at
       FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE l.session_id = v.id`,
    [list.map((x) => x.id), list.map((x) => x.at)],
  );
  await client.query(
    `UPDATE session_registrations r SET attended = (r.member_id = ANY(ARRAY(SELECT jsonb_array_elements_text(v.attendees))))
       FROM unnest($1::text[], $2::jsonb[]) AS v(id, attendees)
      WHERE r.session_id = v.id AND r.status = 'registered'`,
    [list.map((x) => x.id), list.map((x) => JSON.stringify(x.attendees))],
  );
}

/** Hosts' names: a sign-up adds one, a rename (or a deletion) changes it and every listing of theirs; the last wins. */
export async function nameHosts(client: PoolClient, events: StoredEvent[]) {
  const names = new Map<string, string>();
  const signedUp = new Set<string>();
  const renamed = new Set<string>();
  for (const e of events) {
    if (e.type === 'MemberSignedUp') {
      const d = e.data as IdentityEventData['MemberSignedUp'];
      names.set(d.memberId, d.displayName);
      signedUp.add(d.memberId);
      continue;
    }
    const d =
      e.type === 'MemberDeleted'
        ? { memberId: (e.data as { memberId: string }).memberId, displayName: DELETED_NAME }
        : (e.data as IdentityEventData['ProfileUpdated']);
    if (d.displayName === undefined) continue;
    names.set(d.memberId, d.displayName);
    renamed.add(d.memberId);
  }
  const upsert = [...signedUp];
  if (upsert.length > 0) {
    await client.query(
      `INSERT INTO session_hosts (member_id, display_name) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (member_id) DO UPDATE SET display_name = excluded.display_name`,
      [upsert, upsert.map((m) => names.get(m)!)],
    );
  }
  const rename = [...renamed];
  if (rename.length > 0) {
    const only = rename.filter((m) => !signedUp.has(m));
    await client.query(
      `UPDATE session_hosts h SET display_name = v.name FROM unnest($1::text[], $2::text[]) AS v(id, name)
        WHERE h.member_id = v.id`,
      [only, only.map((m) => names.get(m)!)],
    );
    await client.query(
      `UPDATE session_listings l SET host_display_name = v.name FROM unnest($1::text[], $2::text[]) AS v(id, name)
        WHERE l.host_id = v.id`,
      [rename, rename.map((m) => names.get(m)!)],
    );
  }
}
