import { z } from 'zod';
import type { Queryable } from '../../infra/db/index.ts';
import { cursorId, cursorTime, decodeCursor, encodeCursor, type Page } from '../../infra/http/cursor.ts';
import { badgeName } from '../../modules/gamification/events.ts';
import type { AccountView, ProfileView, SkillStatView } from './views.ts';

type Row = {
  member_id: string;
  email: string;
  display_name: string;
  bio: string;
  avatar_url: string | null;
  skills_to_teach: string[];
  skills_to_learn: string[];
  timezone: string;
  roles: string[];
  suspended: boolean;
  suspended_until: Date | null;
  average_rating: number | null;
  rating_count: number;
  sessions_hosted: number;
  sessions_not_held: number;
  students_taught: number;
  minutes_taught: number;
  minutes_learned: number;
  points: number;
  joined_at: Date;
};

const COLUMNS = `member_id, email, display_name, bio, avatar_url, skills_to_teach, skills_to_learn, timezone, roles,
  suspended, suspended_until, average_rating, rating_count, sessions_hosted, sessions_not_held, students_taught, minutes_taught, minutes_learned, points, joined_at`;

/** Minutes as hours, to the tenth. */
const tenths = (minutes: number) => Math.round(minutes / 6) / 10;

function toProfile(r: Row): ProfileView {
  return {
    id: r.member_id,
    displayName: r.display_name,
    bio: r.bio,
    avatarUrl: r.avatar_url,
    skillsToTeach: r.skills_to_teach,
    skillsToLearn: r.skills_to_learn,
    timezone: r.timezone,
    reputation: {
      averageRating: r.average_rating === null ? null : Math.round(r.average_rating * 100) / 100,
      ratingCount: r.rating_count,
      sessionsHosted: r.sessions_hosted,
      reliability:
        r.sessions_hosted + r.sessions_not_held === 0
          ? null
          : Math.round((r.sessions_hosted / (r.sessions_hosted + r.sessions_not_held)) * 1000) / 1000,
      studentsTaught: r.students_taught,
      points: r.points,
    },
    hours: {
      taught: tenths(r.minutes_taught),
      learned: tenths(r.minutes_learned),
      balance: tenths(r.minutes_taught - r.minutes_learned),
    },
    badges: [],
    joinedAt: r.joined_at.toISOString(),
  };
}

/** Badges of these members, earliest first, named by the gamification rules. */
async function withBadges(db: Queryable, profiles: ProfileView[]): Promise<ProfileView[]> {
  if (profiles.length === 0) return profiles;
  const { rows } = await db.query<{ member_id: string; badge: string; awarded_at: Date }>(
    'SELECT member_id, badge, awarded_at FROM member_badges WHERE member_id = ANY($1) ORDER BY awarded_at, badge',
    [profiles.map((p) => p.id)],
  );
  return profiles.map((p) => ({
    ...p,
    badges: rows
      .filter((r) => r.member_id === p.id)
      .map((r) => ({ key: r.badge, name: badgeName(r.badge), awardedAt: r.awarded_at.toISOString() })),
  }));
}

/** A mentor's sessions and rating in each skill they have hosted or been rated in. */
export async function skillStats(db: Queryable, memberId: string): Promise<SkillStatView[]> {
  const { rows } = await db.query<{
    skill: string;
    sessions_hosted: number;
    average_rating: number | null;
    rating_count: number;
  }>(
    `SELECT skill, sessions_hosted, average_rating, rating_count FROM mentor_skill_stats
      WHERE member_id = $1 ORDER BY sessions_hosted DESC, skill`,
    [memberId],
  );
  return rows.map((r) => ({
    skill: r.skill,
    sessionsHosted: r.sessions_hosted,
    averageRating: r.average_rating === null ? null : Math.round(Number(r.average_rating) * 100) / 100,
    ratingCount: r.rating_count,
  }));
}

export async function getProfile(db: Queryable, memberId: string): Promise<ProfileView | null> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM member_profiles WHERE member_id = $1`, [
    memberId,
  ]);
  const profile = rows[0] ? ((await withBadges(db, [toProfile(rows[0])]))[0] ?? null) : null;
  return profile && { ...profile, skillStats: await skillStats(db, memberId) };
}

const toAccount = (r: Row): AccountView => ({
  id: r.member_id,
  email: r.email,
  displayName: r.display_name,
  roles: r.roles,
  suspended: r.suspended,
  suspendedUntil: r.suspended_until?.toISOString() ?? null,
});

export async function getAccount(db: Queryable, memberId: string): Promise<AccountView | null> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM member_profiles WHERE member_id = $1`, [
    memberId,
  ]);
  return rows[0] ? toAccount(rows[0]) : null;
}

/**
 * Where to write to several members, how to greet them, and their time zone (for the times in their emails), in
 * one query: a reactor mailing a batch of events' recipients.
 */
export async function getMailRecipients(
  db: Queryable,
  memberIds: string[],
): Promise<Map<string, AccountView & { timezone: string }>> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM member_profiles WHERE member_id = ANY($1)`, [
    [...new Set(memberIds)],
  ]);
  return new Map(rows.map((r) => [r.member_id, { ...toAccount(r), timezone: r.timezone }]));
}

export type MentorQuery = {
  skill?: string | undefined;
  q?: string | undefined;
  minRating?: number | undefined;
  sort: 'rating' | 'sessions' | 'recent';
  limit: number;
  cursor?: string | undefined;
};

// Each sort is a keyset: the sort expression (descending) and the member id as tie-breaker. The rating sort weighs
// each host's rating by their reliability (a 5.0 host who held half their sessions sorts as 2.5): what a student
// can expect from registering, a session not held being worth nothing. Unrated hosts stay last. The expression is
// migration 0030's index, word for word.
const SORTS = {
  rating:
    'CASE WHEN average_rating IS NULL THEN -1 ELSE round(average_rating * sessions_hosted / greatest(sessions_hosted + sessions_not_held, 1), 6) END',
  sessions: 'sessions_hosted',
  recent: 'joined_at',
} as const;

// A cursor's sort value must fit its sort: a `recent` cursor given to `sort=rating` (or a hand-made one) would be
// a cast error in SQL. Ratings come back from PostgreSQL as numeric strings, counts as numbers.
const sortNumber = z.union([z.number().min(-1e15).max(1e15), z.string().regex(/^-?\d{1,15}(\.\d{1,20})?$/)]);
const CURSORS = {
  rating: z.tuple([sortNumber, cursorId]),
  sessions: z.tuple([sortNumber, cursorId]),
  recent: z.tuple([cursorTime, cursorId]),
} as const;

/** The mentor directory: members who teach at least one skill, filtered and sorted, one page at a time. */
export async function listMentors(db: Queryable, query: MentorQuery): Promise<Page<ProfileView>> {
  const where = ['cardinality(teach_keys) > 0', 'NOT suspended'];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // Keyed as skills are stored (identity's skillKey: trimmed, inner white space collapsed, lower case); without the
  // collapse, `skill=machine  learning` missed the members who teach "Machine Learning".
  const skillKey = query.skill?.trim().replace(/\s+/g, ' ').toLowerCase();
  if (skillKey) where.push(`teach_keys @> ARRAY[${param(skillKey)}]`);
  if (query.q) {
    const q = param(query.q);
    where.push(`search @@ (websearch_to_tsquery('english', ${q}) || websearch_to_tsquery('simple', ${q}))`);
  }
  if (query.minRating !== undefined) where.push(`average_rating >= ${param(query.minRating)}`);
  const sortExpr = SORTS[query.sort];
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, CURSORS[query.sort]);
    const typed = query.sort === 'recent' ? `${param(value)}::timestamptz` : `${param(value)}::numeric`;
    where.push(`(${sortExpr}, member_id) < (${typed}, ${param(id)})`);
  }
  const { rows } = await db.query<Row & { sort_value: unknown }>(
    `SELECT ${COLUMNS}, ${sortExpr} AS sort_value FROM member_profiles
      WHERE ${where.join(' AND ')}
      ORDER BY ${sortExpr} DESC, member_id DESC
      LIMIT ${param(query.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const sortValue = (r: Row & { sort_value: unknown }) =>
    r.sort_value instanceof Date ? r.sort_value.toISOString() : r.sort_value;
  return {
    items: await withBadges(db, page.map(toProfile)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([sortValue(last), last.member_id]) : null,
  };
}

export type MemberMatch = {
  id: string;
  displayName: string;
  email: string;
  avatarUrl: string | null;
  roles: string[];
  suspended: boolean;
  joinedAt: string;
};

/** `%`, `_` and `\` as themselves in a LIKE pattern. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Members for an admin looking someone up: `ids` first (the exact address, found through its claim), then those
 * whose display name contains `q`, or whose address starts with it, in any letter case; deleted accounts never.
 */
export async function findMembers(
  db: Queryable,
  q: string,
  ids: string[],
  limit: number,
): Promise<MemberMatch[]> {
  const pattern = likeLiteral(q.toLowerCase());
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM member_profiles
      WHERE email <> '' AND (member_id = ANY($1) OR lower(display_name) LIKE '%' || $2 || '%' OR lower(email) LIKE $2 || '%')
      ORDER BY member_id = ANY($1) DESC, lower(display_name) = $3 DESC, display_name, member_id
      LIMIT $4`,
    [ids, pattern, q.toLowerCase(), limit],
  );
  return rows.map((r) => ({
    id: r.member_id,
    displayName: r.display_name,
    email: r.email,
    avatarUrl: r.avatar_url,
    roles: r.roles,
    suspended: r.suspended,
    joinedAt: r.joined_at.toISOString(),
  }));
}
