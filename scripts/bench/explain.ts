// EXPLAIN (ANALYZE, BUFFERS) of each read endpoint's main query, exactly as the app sends it: the read-model query
// functions the routes call run against a recorder that keeps their SQL and parameters, and the first statement
// (the main one; badges and the like follow) is explained with the same parameters.
import type { Pool, Queryable } from '../../infra/db/index.ts';
import { leaderboard } from '../../read-models/leaderboards/queries.ts';
import { getProfile, listMentors } from '../../read-models/member-profiles/queries.ts';
import { listSessions } from '../../read-models/session-listings/queries.ts';
import type { Community } from './community.ts';

export type Plan = { endpoint: string; sql: string; plan: string; executionMs: number };

async function explain(
  pool: Pool,
  endpoint: string,
  call: (db: Queryable) => Promise<unknown>,
): Promise<Plan> {
  const seen: { text: string; values: unknown[] }[] = [];
  const recorder: Queryable = {
    query: ((text: string, values: unknown[]) => {
      seen.push({ text, values });
      return pool.query(text, values);
    }) as Queryable['query'],
  };
  await call(recorder);
  const main = seen[0]!;
  // Run once more first, so the plan shows a warm cache as the endpoint under load sees it.
  await pool.query(main.text, main.values);
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${main.text}`,
    main.values,
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN);
  return { endpoint, sql: main.text.replace(/\s+/g, ' ').trim(), plan, executionMs };
}

export async function explainEndpoints(pool: Pool, c: Community): Promise<Plan[]> {
  const skill = c.skills[0] ?? 'TypeScript';
  return [
    await explain(pool, 'GET /api/sessions', (db) =>
      listSessions(db, { status: 'scheduled', limit: 20 }, null),
    ),
    await explain(pool, 'GET /api/sessions?skill&difficulty', (db) =>
      listSessions(db, { status: 'scheduled', limit: 20, skill, difficulty: 'beginner' }, null),
    ),
    await explain(pool, 'GET /api/sessions?q', (db) =>
      listSessions(db, { status: 'scheduled', limit: 20, q: 'practice' }, null),
    ),
    await explain(pool, 'GET /api/mentors', (db) => listMentors(db, { sort: 'rating', limit: 20 })),
    await explain(pool, 'GET /api/mentors?skill', (db) =>
      listMentors(db, { sort: 'rating', limit: 20, skill }),
    ),
    await explain(pool, 'GET /api/users/:id', (db) => getProfile(db, c.mentors[0]!)),
    await explain(pool, 'GET /api/leaderboards', (db) => leaderboard(db, { period: 'all', limit: 20 })),
    await explain(pool, 'GET /api/leaderboards?period=month&skill', (db) =>
      leaderboard(db, { period: 'month', skill, limit: 20 }),
    ),
  ];
}
