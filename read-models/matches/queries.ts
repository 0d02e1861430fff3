import { z } from 'zod';
import type { Queryable } from '../../infra/db/index.ts';
import { cursorId, cursorTime, decodeCursor, encodeCursor, type Page } from '../../infra/http/cursor.ts';
import { skillKey } from '../../modules/identity/events.ts';
import type { MatchView } from './views.ts';

/** A time zone's offset from UTC at `at`, in minutes (DST included). */
function offsetMinutes(timezone: string, at: Date): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(at);
    const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
    return Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
  } catch {
    return 0; // a zone this runtime does not know: counted as UTC rather than failing the list
  }
}

/** How many hours apart two time zones are at `at`: 0 to 26, in steps of a quarter hour at most. */
export const hoursApart = (a: string, b: string, at: Date) =>
  Math.abs(offsetMinutes(a, at) - offsetMinutes(b, at)) / 60;

const matchCursor = z.tuple([z.union([z.literal(0), z.literal(1)]), cursorTime, cursorId]);

type Candidate = { member_id: string; reciprocal: boolean; last_active_at: Date; cursor_at: string };
type Profile = {
  member_id: string;
  display_name: string;
  avatar_url: string | null;
  timezone: string;
  skills_to_teach: string[];
  skills_to_learn: string[];
  average_rating: string | null;
  rating_count: number;
};

const rounded = (v: string | number | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);

/**
 * The members who teach a skill `memberId` wants to learn: reciprocal ones (who also want to learn a skill
 * `memberId` teaches) first, then the most recently active. Suspended and deleted members are not listed.
 * `skill` keeps those who teach that skill.
 */
export async function memberMatches(
  db: Queryable,
  memberId: string,
  query: { skill?: string | undefined; limit: number; cursor?: string | undefined },
  now = new Date(),
): Promise<Page<MatchView>> {
  const { rows: mine } = await db.query<{
    teach_keys: string[];
    learn_keys: string[];
    timezone: string | null;
  }>(
    `SELECT m.teach_keys, m.learn_keys, p.timezone FROM match_members m
       LEFT JOIN member_profiles p ON p.member_id = m.member_id WHERE m.member_id = $1`,
    [memberId],
  );
  const me = mine[0];
  if (!me || me.learn_keys.length === 0) return { items: [], nextCursor: null };
  const params: unknown[] = [memberId, me.learn_keys, me.teach_keys, query.limit + 1];
  const common = ['m.listed', 'm.teach_keys && $2::text[]', 'm.member_id <> $1'];
  if (query.skill) {
    params.push([skillKey(query.skill)]);
    common.push(`m.teach_keys @> $${params.length}::text[]`);
  }
  // Reciprocal matches, then one-way ones: two queries, each walking its candidates most recently active first
  // and stopping at a page, rather than one that ranks every candidate (thousands for a popular skill).
  let reciprocal: string[] | null = [...common, 'm.learn_keys && $3::text[]'];
  const oneWay = [...common, 'NOT (m.learn_keys && $3::text[])'];
  if (query.cursor) {
    const [wasReciprocal, at, id] = decodeCursor(query.cursor, matchCursor);
    params.push(at, id);
    const after = `(m.last_active_at, m.member_id) < ($${params.length - 1}::timestamptz, $${params.length})`;
    if (wasReciprocal === 1) reciprocal.push(after);
    else {
      reciprocal = null;
      oneWay.push(after);
    }
  }
  const part = (where: string[], isReciprocal: boolean) =>
    `(SELECT m.member_id, ${isReciprocal} AS reciprocal, m.last_active_at,
             to_char(m.last_active_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
        FROM match_members m WHERE ${where.join(' AND ')}
       ORDER BY m.last_active_at DESC, m.member_id DESC LIMIT $4)`;
  const { rows } = await db.query<Candidate>(
    `${reciprocal ? `${part(reciprocal, true)} UNION ALL ` : ''}${part(oneWay, false)}
      ORDER BY reciprocal DESC, last_active_at DESC, member_id DESC LIMIT $4`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const ids = page.map((r) => r.member_id);
  const { rows: profiles } = await db.query<Profile>(
    `SELECT member_id, display_name, avatar_url, timezone, skills_to_teach, skills_to_learn, average_rating,
            rating_count
       FROM member_profiles WHERE member_id = ANY($1)`,
    [ids],
  );
  const { rows: stats } = await db.query<{
    member_id: string;
    skill: string;
    skill_key: string;
    average_rating: string | null;
    rating_count: number;
  }>(
    'SELECT member_id, skill, skill_key, average_rating, rating_count FROM mentor_skill_stats WHERE member_id = ANY($1) AND rating_count > 0',
    [ids],
  );
  const byId = new Map(profiles.map((p) => [p.member_id, p]));
  const myLearn = new Set(me.learn_keys);
  const myTeach = new Set(me.teach_keys);
  const myZone = me.timezone ?? 'UTC';
  const items = page.flatMap((r): MatchView[] => {
    const p = byId.get(r.member_id);
    if (!p) return [];
    const theyTeach = p.skills_to_teach.filter((s) => myLearn.has(skillKey(s)));
    const taught = new Set(theyTeach.map(skillKey));
    return [
      {
        member: {
          id: p.member_id,
          displayName: p.display_name,
          avatarUrl: p.avatar_url,
          timezone: p.timezone,
          reputation: {
            averageRating: rounded(p.average_rating),
            ratingCount: p.rating_count,
            skills: stats
              .filter((s) => s.member_id === p.member_id && taught.has(s.skill_key))
              .map((s) => ({
                skill: s.skill,
                averageRating: rounded(s.average_rating),
                ratingCount: s.rating_count,
              })),
          },
        },
        theyTeach,
        theyLearn: p.skills_to_learn.filter((s) => myTeach.has(skillKey(s))),
        reciprocal: r.reciprocal,
        hoursApart: hoursApart(myZone, p.timezone, now),
        lastActiveAt: r.last_active_at.toISOString(),
      },
    ];
  });
  const last = page[page.length - 1];
  return {
    items,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor([last.reciprocal ? 1 : 0, last.cursor_at, last.member_id])
        : null,
  };
}
