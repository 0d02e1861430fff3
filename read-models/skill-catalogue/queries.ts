import type { Queryable } from '../../infra/db/index.ts';
import type { SkillView } from './views.ts';

/** Autocomplete: skills whose name starts with (or, failing that, contains) the text, most used first. */
export async function searchSkills(db: Queryable, q: string, limit: number): Promise<SkillView[]> {
  const key = q.trim().toLowerCase();
  const { rows } = await db.query<SkillView>(
    `SELECT name, teachers, learners FROM skill_catalogue
      WHERE teachers + learners > 0 AND ($1 = '' OR skill_key LIKE $2 OR skill_key LIKE $3)
      ORDER BY (skill_key LIKE $2) DESC, teachers + learners DESC, name
      LIMIT $4`,
    [key, `${key.replace(/[\\%_]/g, '\\$&')}%`, `%${key.replace(/[\\%_]/g, '\\$&')}%`, limit],
  );
  return rows;
}

/** The catalogue's spelling of each known skill, by its case-insensitive key. */
export async function canonicalSpellings(db: Queryable, names: string[]): Promise<Map<string, string>> {
  const keys = names.map((n) => n.trim().replace(/\s+/g, ' ').toLowerCase());
  const { rows } = await db.query<{ skill_key: string; name: string }>(
    'SELECT skill_key, name FROM skill_catalogue WHERE skill_key = ANY($1)',
    [keys],
  );
  return new Map(rows.map((r) => [r.skill_key, r.name]));
}
