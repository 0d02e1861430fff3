/** A skill as typed: trimmed, inner white space collapsed. */
export function tidySkill(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ');
}

/** The case-insensitive identity of a skill: "TypeScript", " typescript " and "TYPESCRIPT" are one skill. */
export function skillKey(raw: string): string {
  return tidySkill(raw).toLowerCase();
}

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
