// Screening, pure: which blocked words and link domains a text contains.
import { describe, expect, it } from 'vitest';
import { screen } from './decide.ts';

describe('screen', () => {
  const blocked = { words: ['casino', 'Free Money'], domains: ['spam.example'] };

  it('given blocked words in any letter case, then each is found once, as configured', () => {
    expect(screen('Best CASINO in town. casino! Get free money now', blocked)).toEqual([
      'casino',
      'Free Money',
    ]);
  });

  it('given a blocked word inside another word, then it is not a match', () => {
    expect(screen('Casinos and precasino talk; casino2 and freemoney', blocked)).toEqual([]);
    expect(screen('café-casino', blocked)).toEqual(['casino']);
    expect(screen('écasino', { words: ['casino'], domains: [] })).toEqual([]);
  });

  it('given links to a blocked domain or its subdomains, in any case, then the domain is found', () => {
    expect(screen('see https://spam.example/deal', blocked)).toEqual(['spam.example']);
    expect(screen('see HTTP://Promo.Spam.Example:8080/x', blocked)).toEqual(['spam.example']);
  });

  it('given lookalike domains, then they are not matches', () => {
    const text =
      'https://notspam.example https://spam.example.org/x https://spam-example.com https://spam.exampl';
    expect(screen(text, blocked)).toEqual([]);
  });

  it('given a link whose user-info names a trusted host, then the real host still counts', () => {
    expect(screen('https://trusted.example@spam.example/x', blocked)).toEqual(['spam.example']);
    expect(screen('https://user:pw@promo.spam.example', blocked)).toEqual(['spam.example']);
  });

  it('given the domain written without a scheme, then it is found too', () => {
    expect(screen('visit www.spam.example or spam.example/deal today', blocked)).toEqual(['spam.example']);
    expect(screen('an email: me@notspam.example.org', blocked)).toEqual([]);
  });

  it('given nothing blocked, then nothing is found', () => {
    expect(screen('casino https://spam.example', { words: [], domains: [] })).toEqual([]);
  });

  it('given regex characters in a blocked word, then they are taken literally', () => {
    expect(screen('price: $5 (cheap)', { words: ['(cheap)', 'c.eap'], domains: [] })).toEqual(['(cheap)']);
  });
});
