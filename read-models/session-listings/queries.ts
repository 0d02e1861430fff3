import type { Queryable } from '../../infra/db/index.ts';
import { decodeCursor, encodeCursor, type Page, timeAndId } from '../../infra/http/cursor.ts';
import { JOIN_OPENS_BEFORE_MINUTES } from '../../modules/sessions/events.ts';
import type { AttendeesView, AttendeeView, MySessionsView, SessionView } from './views.ts';

export type Viewer = { id: string; isModerator: boolean } | null;

type Row = {
  session_id: string;
  title: string;
  skill: string;
  description: string;
  difficulty: string;
  prerequisites: string[];
  starts_at: Date;
  ends_at: Date;
  duration_minutes: number;
  capacity: number;
  status: SessionView['status'];
  not_held: boolean;
  host_id: string;
  host_display_name: string;
  timezone: string;
  meeting_url: string;
  series_id: string | null;
  swap_id: string | null;
  registered_count: number;
  waitlist_count: number;
  cancel_reason: string | null;
  viewer_status: string | null;
  viewer_attended: boolean | null;
  viewer_joined_at: Date | null;
  viewer_no_show_at: Date | null;
  viewer_position: number | null;
  cursor_at: string;
};

// The viewer's own registration and waitlist place ride along with every listing row ($1 is the viewer id).
// cursor_at: the start time at full (microsecond) precision for the keyset cursor. A JS Date keeps milliseconds
// only, so a start like 18:00:00.123456 made a cursor that sorts before its own row: the same page came back forever.
const SELECT = `SELECT l.*, r.status AS viewer_status, r.attended AS viewer_attended,
    r.joined_at AS viewer_joined_at, r.no_show_at AS viewer_no_show_at,
    to_char(l.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
    CASE WHEN r.status = 'waitlisted' THEN (SELECT count(*) FROM session_registrations w
      WHERE w.session_id = l.session_id AND w.status = 'waitlisted' AND w.queued_at <= r.queued_at) END AS viewer_position
  FROM session_listings l
  LEFT JOIN session_registrations r ON r.session_id = l.session_id AND r.member_id = $1`;

const JOIN_OPENS_BEFORE_MS = JOIN_OPENS_BEFORE_MINUTES * 60_000;

function attendanceOf(r: Row, registered: boolean): SessionView['viewerAttendance'] {
  if (!registered) return null;
  if (r.status === 'completed') {
    if (r.viewer_attended) return 'present';
    if (r.viewer_joined_at) return 'joined';
    return r.viewer_attended === false || r.viewer_no_show_at ? 'absent' : null;
  }
  return r.viewer_joined_at ? 'joined' : null;
}

function toView(r: Row, viewer: Viewer, now: Date): SessionView {
  const registered = r.viewer_status === 'registered';
  const joinOpensAt = new Date(r.starts_at.getTime() - JOIN_OPENS_BEFORE_MS);
  // The meeting URL itself only inside the join window for members: outside it, the join link is the way in.
  const inWindow = now >= joinOpensAt && now <= r.ends_at;
  const mayJoin =
    viewer !== null && (viewer.id === r.host_id || viewer.isModerator || (registered && inWindow));
  return {
    id: r.session_id,
    title: r.title,
    skill: r.skill,
    description: r.description,
    difficulty: r.difficulty,
    prerequisites: r.prerequisites,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    durationMinutes: r.duration_minutes,
    capacity: r.capacity,
    status: r.status,
    notHeld: r.not_held,
    host: { id: r.host_id, displayName: r.host_display_name },
    timezone: r.timezone,
    seriesId: r.series_id,
    swapId: r.swap_id,
    registeredCount: r.registered_count,
    waitlistCount: r.waitlist_count,
    seatsLeft: Math.max(0, r.capacity - r.registered_count),
    meetingUrl: mayJoin ? r.meeting_url : null,
    joinOpensAt: joinOpensAt.toISOString(),
    viewerRegistration: registered ? 'registered' : r.viewer_status === 'waitlisted' ? 'waitlisted' : null,
    viewerAttendance: attendanceOf(r, registered),
    waitlistPosition: r.viewer_position,
    cancelReason: r.cancel_reason,
  };
}

/**
 * Who may see a row ($1 the viewer, $3 a moderator): a hidden session only moderators and its host (who must see
 * why), a swap's session only its two members and moderators.
 */
const VISIBLE = `(NOT l.hidden OR $3 OR l.host_id = $1)
  AND (l.swap_id IS NULL OR $3 OR l.host_id = $1 OR l.swap_partner_id = $1)`;

export async function getSession(
  db: Queryable,
  id: string,
  viewer: Viewer,
  now = new Date(),
): Promise<SessionView | null> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE l.session_id = $2 AND ${VISIBLE}`, [
    viewer?.id ?? '',
    id,
    viewer?.isModerator ?? false,
  ]);
  return rows[0] ? toView(rows[0], viewer, now) : null;
}

/**
 * A session as everyone in it sees it alike, for what is mailed to its own members (a reminder's calendar file):
 * the signed-out view, a swap's session included; a hidden one is nobody's.
 */
export async function sessionForItsMembers(db: Queryable, id: string, now = new Date()) {
  const { rows } = await db.query<Row>(`${SELECT} WHERE l.session_id = $2 AND NOT l.hidden`, ['', id]);
  return rows[0] ? toView(rows[0], null, now) : null;
}

/** Every session of a series, in order; hidden ones only for moderators and the host. Empty: no such series. */
export async function seriesSessions(
  db: Queryable,
  seriesId: string,
  viewer: Viewer,
  now = new Date(),
): Promise<SessionView[]> {
  const { rows } = await db.query<Row>(
    `${SELECT} WHERE l.series_id = $2 AND ${VISIBLE} ORDER BY l.starts_at, l.session_id`,
    [viewer?.id ?? '', seriesId, viewer?.isModerator ?? false],
  );
  return rows.map((r) => toView(r, viewer, now));
}

export type SessionQuery = {
  skill?: string | undefined;
  difficulty?: string | undefined;
  q?: string | undefined;
  hostId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  status: 'scheduled' | 'cancelled' | 'completed' | 'all';
  limit: number;
  cursor?: string | undefined;
};

/** Browse: filtered, soonest first, one page at a time (keyset on start time and id); swaps' sessions never. */
export async function listSessions(
  db: Queryable,
  query: SessionQuery,
  viewer: Viewer,
  now = new Date(),
): Promise<Page<SessionView>> {
  const params: unknown[] = [viewer?.id ?? ''];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = viewer?.isModerator ? ['l.swap_id IS NULL'] : ['NOT l.hidden', 'l.swap_id IS NULL'];
  if (query.status !== 'all') where.push(`l.status = ${p(query.status)}`);
  if (query.skill) where.push(`l.skill_key = ${p(query.skill.trim().toLowerCase())}`);
  if (query.difficulty) where.push(`l.difficulty = ${p(query.difficulty)}`);
  if (query.hostId) where.push(`l.host_id = ${p(query.hostId)}`);
  if (query.from) where.push(`l.starts_at >= ${p(query.from)}`);
  if (query.to) where.push(`l.starts_at < ${p(query.to)}`);
  if (query.q) where.push(`l.search @@ websearch_to_tsquery('english', ${p(query.q)})`);
  if (query.cursor) {
    const [at, lastId] = decodeCursor(query.cursor, timeAndId);
    where.push(`(l.starts_at, l.session_id) > (${p(at)}::timestamptz, ${p(lastId)})`);
  }
  const { rows } = await db.query<Row>(
    `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY l.starts_at, l.session_id LIMIT ${p(query.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toView(r, viewer, now)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.cursor_at, last.session_id]) : null,
  };
}

export async function attendees(db: Queryable, sessionId: string): Promise<AttendeesView> {
  const { rows } = await db.query<{
    member_id: string;
    display_name: string | null;
    status: string;
    registered_at: Date;
    attended: boolean | null;
    joined_at: Date | null;
    sessions: number;
    came: number;
  }>(
    // Each attendee's record: completed sessions they were registered for, and those they left late (a no-show
    // whatever became of the session); they came when they joined or were marked present.
    `SELECT r.member_id, h.display_name, r.status, r.registered_at, r.attended, r.joined_at,
            coalesce(a.sessions, 0)::int AS sessions, coalesce(a.came, 0)::int AS came
       FROM session_registrations r LEFT JOIN session_hosts h ON h.member_id = r.member_id
       LEFT JOIN LATERAL (
         SELECT count(*) AS sessions, count(*) FILTER (WHERE o.attended OR o.joined_at IS NOT NULL) AS came
           FROM session_registrations o JOIN session_listings ol ON ol.session_id = o.session_id
          WHERE o.member_id = r.member_id
            AND ((o.status = 'registered' AND ol.status = 'completed') OR (o.status = 'cancelled' AND o.no_show_at IS NOT NULL))
       ) a ON true
      WHERE r.session_id = $1 AND r.status IN ('registered', 'waitlisted')
      ORDER BY r.queued_at`,
    [sessionId],
  );
  const view = (r: (typeof rows)[number]): AttendeeView => ({
    id: r.member_id,
    displayName: r.display_name ?? 'Member',
    registeredAt: r.registered_at.toISOString(),
    attended: r.attended,
    joinedAt: r.joined_at?.toISOString() ?? null,
    attendance: {
      sessions: r.sessions,
      attended: r.came,
      rate: r.sessions === 0 ? null : Math.round((r.came / r.sessions) * 100) / 100,
    },
  });
  return {
    registered: rows.filter((r) => r.status === 'registered').map(view),
    waitlisted: rows
      .filter((r) => r.status === 'waitlisted')
      .map((r, i) => ({ ...view(r), position: i + 1 })),
  };
}

/** "My learning": what a member hosts, attends and waits for, their history, and their totals. */
export async function mySessions(db: Queryable, memberId: string, now = new Date()): Promise<MySessionsView> {
  const viewer = { id: memberId, isModerator: false };
  const { rows } = await db.query<Row>(
    `${SELECT} WHERE l.host_id = $1 OR r.status IN ('registered', 'waitlisted') ORDER BY l.starts_at, l.session_id`,
    [memberId],
  );
  const all = rows.map((r) => ({ row: r, view: toView(r, viewer, now) }));
  const upcoming = (r: Row) => r.status === 'scheduled' && r.ends_at > now;
  const hosting = all.filter(({ row }) => row.host_id === memberId && upcoming(row)).map((x) => x.view);
  const attending = all
    .filter(({ row }) => row.viewer_status === 'registered' && upcoming(row))
    .map((x) => x.view);
  const waitlisted = all
    .filter(({ row }) => row.viewer_status === 'waitlisted' && upcoming(row))
    .map((x) => x.view);
  const history = all
    .filter(({ row }) => !upcoming(row))
    .map((x) => x.view)
    .reverse();
  const { rows: totals } = await db.query<{ learned: number; taught: number; skills: string[] }>(
    `SELECT
       coalesce(sum(l.duration_minutes) FILTER (WHERE r.attended), 0) / 60.0 AS learned,
       coalesce((SELECT sum(duration_minutes) FROM session_listings WHERE host_id = $1 AND status = 'completed'), 0) / 60.0 AS taught,
       coalesce(array_agg(DISTINCT l.skill) FILTER (WHERE r.attended), '{}') AS skills
     FROM session_registrations r JOIN session_listings l ON l.session_id = r.session_id
     WHERE r.member_id = $1 AND l.status = 'completed'`,
    [memberId],
  );
  const t = totals[0]!;
  return {
    hosting,
    attending,
    waitlisted,
    history,
    progress: {
      hoursLearned: Math.round(t.learned * 10) / 10,
      hoursTaught: Math.round(t.taught * 10) / 10,
      skillsPractised: t.skills,
    },
  };
}

/**
 * The start times of the sessions a member was a no-show for since `since`: the facts of the no-show policy,
 * which the edge passes to the Register command.
 */
export async function noShowDates(db: Queryable, memberId: string, since: Date): Promise<string[]> {
  const { rows } = await db.query<{ at: Date }>(
    `SELECT no_show_at AS at FROM session_registrations
      WHERE member_id = $1 AND no_show_at IS NOT NULL AND no_show_at >= $2 ORDER BY no_show_at`,
    [memberId, since],
  );
  return rows.map((r) => r.at.toISOString());
}

/**
 * Completed sessions a member attended (marked present), and completed sessions they hosted that someone attended;
 * sessions that moderation hid count for neither.
 */
export async function completedSessionCounts(
  db: Queryable,
  memberId: string,
): Promise<{ attended: number; hosted: number }> {
  const { rows } = await db.query<{ attended: number; hosted: number }>(
    `SELECT
       (SELECT count(*) FROM session_registrations r JOIN session_listings l ON l.session_id = r.session_id
         WHERE r.member_id = $1 AND r.attended AND l.status = 'completed' AND NOT l.hidden)::int AS attended,
       (SELECT count(*) FROM session_listings l WHERE l.host_id = $1 AND l.status = 'completed' AND NOT l.hidden
           AND EXISTS (SELECT 1 FROM session_registrations r WHERE r.session_id = l.session_id AND r.attended))::int
         AS hosted`,
    [memberId],
  );
  return rows[0] ?? { attended: 0, hosted: 0 };
}
