import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { IDENTITY_LIMITS } from './limits.ts';

/**
 * The rule: a password must take at least 10^10 guesses by zxcvbn's estimate (its top score, 4; a random
 * 10-character password is just enough), counting the member's own name and email as the first words a guesser
 * tries. Score 3 (10^8) is not enough: zxcvbn gives any password of three parts at least 10^8, so "anna2026anna"
 * would pass for Anna.
 */
export const MIN_GUESSES_LOG10 = 10;

/** The rule as members and API clients read it (OpenAPI). */
export const PASSWORD_RULE =
  `${IDENTITY_LIMITS.passwordMin} to ${IDENTITY_LIMITS.passwordMax} characters, and hard to guess:` +
  ' at least 10^10 guesses by the zxcvbn estimate, which counts your ' +
  'name and email address as easy words (a phrase of three or four uncommon words does it). A weak one is 400 ' +
  '`validation_failed` with the reason on this field, such as "is too easy to guess. This is a commonly used ' +
  'password. Add more words that are less common."';

/**
 * Only the first 40 characters are judged: the estimate's cost grows steeply with length (a 200-character
 * pattern takes over a second), and 40 characters of a passphrase are plenty.
 */
const JUDGED_LENGTH = 40;

let estimator: ZxcvbnFactory | null = null;
// Built on first use: the dictionaries take about 100 ms to load.
const zxcvbn = () => {
  estimator ??= new ZxcvbnFactory({
    maxLength: JUDGED_LENGTH,
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
};

/** What a guesser would try first for this member: the site's name, their name and their email, whole and in parts. */
export function personalWords(email: string, displayName: string): string[] {
  const whole = [email, displayName].map((s) => s.trim().toLowerCase()).filter(Boolean);
  const parts = whole.flatMap((s) => s.split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 3);
  return [...new Set(['skillswap', ...whole, ...parts])];
}

/** Why a password is too easy to guess (zxcvbn's own feedback where it has some), or null when it is strong enough. */
export function passwordWeakness(password: string, personal: string[]): string | null {
  const result = zxcvbn().check(password, personal);
  if (result.guessesLog10 >= MIN_GUESSES_LOG10) return null;
  const own = result.sequence.some((m) => m.pattern === 'dictionary' && m.dictionaryName === 'userInputs');
  const warning =
    result.feedback.warning ?? (own ? 'It contains your name, your email address or the site’s name.' : null);
  const suggestions = result.feedback.suggestions.length
    ? result.feedback.suggestions
    : [en.translations.suggestions.anotherWord];
  return ['is too easy to guess.', warning, ...suggestions].filter(Boolean).join(' ');
}
