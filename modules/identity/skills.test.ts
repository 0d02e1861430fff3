// Skill spelling rules, pure: "Skills are compared case-insensitively and stored trimmed; duplicates collapse."
import { describe, expect, it } from 'vitest';
import { normalizeSkills, skillKey, tidySkill } from './skills.ts';

const noCatalogue = new Map<string, string>();

describe('tidySkill and skillKey', () => {
  it('trims and collapses inner white space, keeping the letter case', () => {
    expect(tidySkill('  Machine \t\n  Learning  ')).toBe('Machine Learning');
  });

  it('gives one key to every spelling of a skill', () => {
    expect(new Set([skillKey('TypeScript'), skillKey(' typescript '), skillKey('TYPESCRIPT')])).toEqual(
      new Set(['typescript']),
    );
  });
});

describe('normalizeSkills', () => {
  it('tidies each skill', () => {
    // Given skills typed with stray white space, when normalized, then each is trimmed and collapsed
    expect(normalizeSkills(['  Rust ', 'Machine   Learning'], noCatalogue)).toEqual([
      'Rust',
      'Machine Learning',
    ]);
  });

  it('drops empty and blank entries', () => {
    expect(normalizeSkills(['', '   ', 'Go'], noCatalogue)).toEqual(['Go']);
  });

  it('collapses case-insensitive duplicates, the first spelling winning, order kept', () => {
    expect(normalizeSkills(['Python', 'Go', 'python', ' PYTHON ', 'go'], noCatalogue)).toEqual([
      'Python',
      'Go',
    ]);
  });

  it('treats spellings that differ only in white space as duplicates', () => {
    expect(normalizeSkills(['Machine Learning', 'machine    learning'], noCatalogue)).toEqual([
      'Machine Learning',
    ]);
  });

  it("uses the catalogue's spelling of a known skill", () => {
    // Given a catalogue that spells the skill "TypeScript"
    const catalogue = new Map([['typescript', 'TypeScript']]);
    // When a member types it in lower case
    // Then it is stored the catalogue's way; an unknown skill keeps the member's spelling
    expect(normalizeSkills(['typescript', 'elixir'], catalogue)).toEqual(['TypeScript', 'elixir']);
  });

  it('collapses duplicates before looking up the catalogue', () => {
    const catalogue = new Map([['typescript', 'TypeScript']]);
    expect(normalizeSkills(['TYPESCRIPT', 'typescript'], catalogue)).toEqual(['TypeScript']);
  });

  it('returns an empty list for an empty list', () => {
    expect(normalizeSkills([], noCatalogue)).toEqual([]);
  });

  it('does not change its input', () => {
    const input = [' A ', 'a'];
    normalizeSkills(input, noCatalogue);
    expect(input).toEqual([' A ', 'a']);
  });
});
