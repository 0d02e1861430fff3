import type { PoolClient } from '../../infra/db/index.ts';
import type { RunOf } from '../../infra/projections/index.ts';
import { DELETED_NAME, type IdentityEvent } from '../../modules/identity/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';

// Runs of new sessions, detail changes, completions and host names, each written with a few set-based statements
// whatever the run's length, with the result of applying its events one by one. Registrations: registrations.ts.

type Run<K extends SessionEvent['type']> = RunOf<SessionEvent, K>;

/** New sessions, each with its host's current name (session_hosts does not change within the run). */
export async function insertSessions(client: PoolClient, run: Run<'SessionScheduled'>) {
  const d = run.map((e) => ({ ...e.data, at: e.recordedAt }));
  const c = <V>(f: (x: (typeof d)[number]) => V) => d.map(f);
  await client.query(
    `INSERT INTO session_listings (session_id, title, skill, skill_key, description, difficulty, prerequisites,
       starts_at, ends_at, duration_minutes, capacity, status, host_id, host_display_name, timezone, meeting_url,
       series_id, scheduled_at, swap_id, swap_partner_id, search)
     SELECT v.id, v.title, v.skill, lower(v.skill), v.description, v.difficulty,
       ARRAY(SELECT jsonb_array_elements_text(v.prerequisites)), v.starts, v.starts + make_interval(mins => v.minutes),
       v.minutes, v.capacity, 'scheduled', v.host, coalesce((SELECT display_name FROM session_hosts WHERE member_id = v.host), ''),
       v.timezone, v.url, v.series, v.at, v.swap, v.partner,
       setweight(to_tsvector('english', v.title), 'A') || setweight(to_tsvector('english', v.skill), 'A')
         || setweight(to_tsvector('english', v.description), 'B')
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::int[],
                   $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[],
                   $15::text[], $16::text[])
         WITH ORDINALITY AS v(id, title, skill, description, difficulty, prerequisites, starts, minutes, capacity, host,
                              timezone, url, series, at, swap, partner, i)
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
      c((x) => x.swap?.swapId ?? null),
      c((x) => x.swap?.partnerId ?? null),
    ],
  );
}

/**
 * Changed details, merged per session in log order (a later value of a field wins, an absent field keeps the
 * row's), then the search terms of the sessions changed.
 */
export async function changeDetails(client: PoolClient, run: Run<'SessionDetailsChanged'>) {
  const merged = new Map<string, Omit<Run<'SessionDetailsChanged'>[number]['data'], 'sessionId'>>();
  for (const { data } of run) {
    const { sessionId, ...fields } = data;
    const into = merged.get(sessionId) ?? {};
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) Object.assign(into, { [k]: v });
    merged.set(sessionId, into);
  }
  const list = [...merged];
  const c = <V>(f: (x: (typeof list)[number][1]) => V) => list.map(([, x]) => f(x) ?? null);
  await client.query(
    `UPDATE session_listings l SET
       title = coalesce(v.title, l.title), skill = coalesce(v.skill, l.skill), skill_key = lower(coalesce(v.skill, l.skill)),
       description = coalesce(v.description, l.description), difficulty = coalesce(v.difficulty, l.difficulty),
       prerequisites = CASE WHEN v.prerequisites IS NULL THEN l.prerequisites
                            ELSE ARRAY(SELECT jsonb_array_elements_text(v.prerequisites)) END,
       meeting_url = coalesce(v.url, l.meeting_url), capacity = coalesce(v.capacity, l.capacity)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::int[])
         AS v(id, title, skill, description, difficulty, prerequisites, url, capacity)
      WHERE l.session_id = v.id`,
    [
      list.map(([id]) => id),
      c((x) => x.title),
      c((x) => x.skill),
      c((x) => x.description),
      c((x) => x.difficulty),
      c((x) => (x.prerequisites ? JSON.stringify(x.prerequisites) : null)),
      c((x) => x.meetingUrl),
      c((x) => x.capacity),
    ],
  );
  await client.query(
    `UPDATE session_listings SET search = setweight(to_tsvector('english', title), 'A')
       || setweight(to_tsvector('english', skill), 'A') || setweight(to_tsvector('english', description), 'B')
      WHERE session_id = ANY($1)`,
    [list.map(([id]) => id)],
  );
}

/** Completed sessions, and who of the registered attended (the last completion of a session counts, as in order). */
export async function completeSessions(client: PoolClient, run: Run<'SessionCompleted'>) {
  const last = new Map<string, { id: string; at: Date; attendees: string[] }>();
  for (const e of run) {
    const d = e.data;
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
export async function nameHosts(
  client: PoolClient,
  run: RunOf<IdentityEvent, 'MemberSignedUp' | 'ProfileUpdated' | 'MemberDeleted'>,
) {
  const names = new Map<string, string>();
  const signedUp = new Set<string>();
  const renamed = new Set<string>();
  for (const e of run) {
    if (e.type === 'MemberSignedUp') {
      names.set(e.data.memberId, e.data.displayName);
      signedUp.add(e.data.memberId);
      continue;
    }
    const d = e.type === 'MemberDeleted' ? { ...e.data, displayName: DELETED_NAME } : e.data;
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
