import type { Queryable } from '../../../infra/db/index.ts';
import { canonicalSpellings } from '../../../read-models/skill-catalogue/queries.ts';

/**
 * How the skill catalogue already spells the skills a profile change names (by skillKey), gathered by the edge for
 * the command: one skill, one spelling across the site. Not an invariant: a skill first named a moment ago may
 * keep the spelling it was typed with.
 */
export async function skillSpellings(
  db: Queryable,
  changes: { skillsToTeach?: string[] | undefined; skillsToLearn?: string[] | undefined },
): Promise<{ spellings: ReadonlyMap<string, string> }> {
  const named = [...(changes.skillsToTeach ?? []), ...(changes.skillsToLearn ?? [])];
  return { spellings: named.length > 0 ? await canonicalSpellings(db, named) : new Map() };
}
