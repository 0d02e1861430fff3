// Matches on 40,000 members: generates them with SQL in a database of its own (a Zipf-like spread over 200 skills,
// 1 to 4 taught and 1 to 4 wanted each, every tenth suspended), then EXPLAIN (ANALYZE, BUFFERS) of the query
// GET /api/me/matches sends, for a member who wants the most taught skill (the worst case) and for a typical one.
// Prints markdown for docs/BENCHMARKS.md.   node scripts/bench/matches.ts postgres://postgres@127.0.0.1:5432/test
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, migrate, type Queryable } from '../../infra/db/index.ts';
import { memberMatches } from '../../read-models/matches/queries.ts';

const MEMBERS = 40_000;
const admin =
  process.argv[2] ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `skillswap_bench_matches_${randomBytes(4).toString('hex')}`;

const GENERATE = `
WITH
people AS (
  SELECT i, 'm' || lpad(i::text, 6, '0') AS id,
         (ARRAY['UTC','Europe/Berlin','America/New_York','Asia/Kolkata','Asia/Tokyo','America/Los_Angeles'])[1 + i % 6] AS tz
    FROM generate_series(1, ${MEMBERS}) i
),
-- Skill n is picked with a weight of about 1/n: a few skills are taught by thousands, most by a few dozen.
picks AS (
  SELECT p.i, side, floor(200 ^ random())::int AS n
    FROM people p, LATERAL (VALUES ('teach'), ('learn')) s(side), LATERAL generate_series(1, 1 + (p.i * 7 + length(side)) % 4) k
),
keyed AS (
  SELECT i, array_agg(DISTINCT 'skill ' || n) FILTER (WHERE side = 'teach') AS teach,
         array_agg(DISTINCT 'skill ' || n) FILTER (WHERE side = 'learn') AS learn
    FROM picks GROUP BY i
)
INSERT INTO match_members (member_id, teach_keys, learn_keys, last_active_at, listed)
SELECT p.id, coalesce(k.teach, '{}'), coalesce(k.learn, '{}'),
       now() - make_interval(mins => (p.i * 37) % 100000),
       p.i % 10 <> 0
  FROM people p JOIN keyed k USING (i);
INSERT INTO member_profiles (member_id, email, display_name, skills_to_teach, skills_to_learn, teach_keys, timezone,
  suspended, joined_at, average_rating, rating_count)
SELECT member_id, member_id || '@example.com', 'Member ' || member_id, teach_keys, learn_keys, teach_keys,
       (ARRAY['UTC','Europe/Berlin','America/New_York','Asia/Kolkata','Asia/Tokyo','America/Los_Angeles'])[1 + (substr(member_id, 2)::int) % 6],
       NOT listed, now() - interval '1 year', CASE WHEN random() < 0.3 THEN 3 + 2 * random() END, (random() * 20)::int
  FROM match_members;
INSERT INTO mentor_skill_stats (member_id, skill_key, skill, sessions_hosted, average_rating, rating_count)
SELECT member_id, k, k, 1 + (random() * 10)::int, 3 + 2 * random(), 1 + (random() * 10)::int
  FROM match_members, unnest(teach_keys) k WHERE random() < 0.2;
ANALYZE match_members; ANALYZE member_profiles; ANALYZE mentor_skill_stats;`;

async function explainMatches(db: pg.Pool, label: string, memberId: string, skill?: string) {
  const seen: { text: string; values: unknown[] }[] = [];
  const recorder: Queryable = {
    query: ((text: string, values: unknown[]) => {
      seen.push({ text, values });
      return db.query(text, values);
    }) as Queryable['query'],
  };
  const page = await memberMatches(recorder, memberId, { limit: 20, ...(skill ? { skill } : {}) });
  const out: string[] = [`### ${label}`, '', `${page.items.length} matches on the page.`, ''];
  for (const statement of seen) {
    await db.query(statement.text, statement.values); // warm, as under load
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
      statement.values,
    );
    out.push(
      '```',
      statement.text.replace(/\s+/g, ' ').trim(),
      '',
      ...rows.map((r) => r['QUERY PLAN']),
      '```',
      '',
    );
  }
  return out.join('\n');
}

const server = new pg.Client({ connectionString: admin });
await server.connect();
await server.query(`CREATE DATABASE ${name}`);
const url = new URL(admin);
url.pathname = `/${name}`;
const pool = createPool(url.toString(), { max: 2 });
try {
  await migrate(pool);
  const started = Date.now();
  await pool.query(GENERATE);
  const counts = await pool.query<{ members: number; listed: number; top: number }>(
    `SELECT count(*)::int AS members, count(*) FILTER (WHERE listed)::int AS listed,
            count(*) FILTER (WHERE teach_keys @> ARRAY['skill 1'] AND listed)::int AS top FROM match_members`,
  );
  const c = counts.rows[0]!;
  const worst = await pool.query<{ member_id: string }>(
    `SELECT member_id FROM match_members WHERE learn_keys @> ARRAY['skill 1'] AND cardinality(teach_keys) > 1 LIMIT 1`,
  );
  const typical = await pool.query<{ member_id: string }>(
    `SELECT member_id FROM match_members WHERE NOT learn_keys && ARRAY['skill 1','skill 2','skill 3'] LIMIT 1`,
  );
  console.log(
    `${c.members} members (${c.listed} listed), generated in ${Date.now() - started} ms; ` +
      `"skill 1" is taught by ${c.top} listed members.\n`,
  );
  console.log(
    await explainMatches(
      pool,
      'GET /api/me/matches, wanting the most taught skill',
      worst.rows[0]!.member_id,
    ),
  );
  console.log(
    await explainMatches(pool, 'GET /api/me/matches, a typical member', typical.rows[0]!.member_id),
  );
  console.log(
    await explainMatches(
      pool,
      'GET /api/me/matches?skill (the most taught)',
      worst.rows[0]!.member_id,
      'skill 1',
    ),
  );
} finally {
  await pool.end();
  await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await server.end();
}
