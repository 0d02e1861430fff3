// Where a member lands after signing in (or up) when the address carried ?next=: only ever on this site. Each
// hostile value is what a browser would make of it: another host, or a script.
import { describe, expect, it } from 'vitest';
import { safeNext } from '../src/lib/identity.ts';

const SITE = 'https://skillswap.example';
const FALLBACK = '/fallback';

describe('safeNext', () => {
  it.each([
    ['/sessions?skill=Baking', '/sessions?skill=Baking'],
    ['/me/profile', '/me/profile'],
    ['/sessions/abc#reviews', '/sessions/abc#reviews'],
    ['/', '/'],
    // Dot segments and encoded slashes are resolved or kept as the browser would: still paths on this site.
    ['/a/../me/profile', '/me/profile'],
    ['/../../', '/'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/%5Cevil.example', '/%5Cevil.example'],
    ['/sessions?next=//evil.example', '/sessions?next=//evil.example'],
    [`${SITE}/leaderboard`, '/leaderboard'],
    // A same-scheme "absolute" URL without slashes is a relative path to the URL parser (and to browsers).
    ['https:evil.example', '/evil.example'],
  ])('keeps %j on the site as %j', (next, expected) => {
    expect(safeNext(next, FALLBACK, SITE)).toBe(expected);
  });

  it.each([
    '/..//evil.example',
    '/.//evil.example/path',
    '/./..//evil.example',
    '/a/..//evil.example',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '\t//evil.example',
    '/\r\n/evil.example',
    ' //evil.example',
    'https://evil.example',
    '/%2e%2e//evil.example',
    '/.%2E//evil.example',
    'http://skillswap.example.evil.example/',
    'https://skillswap.example@evil.example/',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://[::1',
  ])('sends %j to the fallback', (next) => {
    expect(safeNext(next, FALLBACK, SITE)).toBe(FALLBACK);
  });

  it('uses the fallback when there is no next', () => {
    expect(safeNext(null, FALLBACK, SITE)).toBe(FALLBACK);
    expect(safeNext(undefined, FALLBACK, SITE)).toBe(FALLBACK);
    expect(safeNext('', FALLBACK, SITE)).toBe(FALLBACK);
  });

  it('gives an answer that a browser on the site resolves to the same place', () => {
    for (const next of [
      '/..//evil.example',
      '/a/b/../c?x=1#y',
      '/%2e%2e//evil.example',
      '/./\\/evil.example',
    ]) {
      const answer = safeNext(next, FALLBACK, SITE);
      const landed = new URL(answer, `${SITE}/login?next=whatever`);
      expect(landed.origin).toBe(SITE);
      expect(`${landed.pathname}${landed.search}${landed.hash}`).toBe(answer);
    }
  });
});
