import { tidySkill } from './events.ts';

// Read models compare skills by the same key: it is defined with the events they read.
export { skillKey, tidySkill } from './events.ts';

/**
 * Tidies a list of skills, drops empties and case-insensitive duplicates (first one wins), and spells each skill
 * the way the catalogue already spells it, so that one skill has one spelling across the site.
 */
export function normalizeSkills(raw: string[], canonical: ReadonlyMap<string, string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of raw) {
    const tidy = tidySkill(item);
    const key = tidy.toLowerCase();
    if (!tidy || seen.has(key)) continue;
    seen.add(key);
    out.push(canonical.get(key) ?? tidy);
  }
  return out;
}
