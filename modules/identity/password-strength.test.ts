import { describe, expect, it } from 'vitest';
import { passwordWeakness, personalWords } from './password-strength.ts';

const anyone = personalWords('sam@example.com', 'Sam');

describe('password strength', () => {
  it.each([
    ['password12', 'This is a commonly used password.'],
    ['1234567890', 'This is a frequently used password.'],
    ['aaaaaaaaaa', 'Repeated characters like "aaa" are easy to guess.'],
    ['          ', 'Repeated characters like "aaa" are easy to guess.'],
    ['qwertyuiop123', 'This is similar to a commonly used password.'],
  ])('finds %j too easy to guess, saying why', (password, why) => {
    const weakness = passwordWeakness(password, anyone);
    expect(weakness).toMatch(/^is too easy to guess\. /);
    expect(weakness).toContain(why);
  });

  it('counts the member’s own name and email as easy words', () => {
    expect(passwordWeakness('anna2026anna', personalWords('anna@example.com', 'Anna'))).toBe(
      'is too easy to guess. It contains your name, your email address or the site’s name. ' +
        'Add more words that are less common.',
    );
    // Strong enough for someone else, not for Kwame Mensah (kwame.mensah@…), nor on the site itself.
    expect(passwordWeakness('kwame2026kwame', anyone)).toBeNull();
    expect(
      passwordWeakness('kwame2026kwame', personalWords('k.mensah@example.com', 'Kwame Mensah')),
    ).not.toBeNull();
    expect(
      passwordWeakness('mensah2026mensah', personalWords('kwame.mensah@example.com', 'KM')),
    ).not.toBeNull();
    expect(passwordWeakness('skillswap2026', anyone)).not.toBeNull();
  });

  it.each([
    'a perfectly good password',
    'penguins are great',
    'correct horse battery',
    'learning together daily',
    'Xk9#mQ2$vL',
  ])('accepts %j', (password) => {
    expect(passwordWeakness(password, anyone)).toBeNull();
  });

  it('judges the first 40 characters only (the estimate grows steeply with length)', () => {
    const strongTail = ' with a tail of penguins, kettles and quixotic zebras';
    expect(passwordWeakness(strongTail, anyone)).toBeNull();
    expect(passwordWeakness(`${'a'.repeat(40)}${strongTail}`, anyone)).not.toBeNull();
  });
});
