// The boundary's schemas on their own: what they accept (and pass on), what they refuse, and with which reason.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadCursorError, cursorTime, decodeCursor, encodeCursor, timeAndId } from './cursor.ts';
import { httpsUrl, id, multiLine, singleLine, storedHeader, timestamp } from './fields.ts';

/** The parsed value, or the reasons it was refused. */
const verdict = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? { value: result.data } : { refused: result.error.issues.map((i) => i.message) };
};

describe('singleLine', () => {
  const name = singleLine({ min: 1, max: 10 });

  it.each([
    ['plain text', 'Ada', 'Ada'],
    ['trimmed', '  Ada  ', 'Ada'],
    ['accents, scripts and emoji (a surrogate pair)', 'Zoë 李 😀', 'Zoë 李 😀'],
    ['a non-breaking space inside', 'Ada\u00a0L', 'Ada\u00a0L'],
  ])('accepts %s', (_what, input, output) => {
    expect(verdict(name, input)).toEqual({ value: output });
  });

  it.each([
    ['NUL', 'a\u0000b', 'must not contain control characters'],
    ['another C0 control (bell)', 'a\u0007', 'must not contain control characters'],
    ['DEL', 'a\u007f', 'must not contain control characters'],
    ['a C1 control (NEL)', 'a\u0085b', 'must not contain control characters'],
    ['a lone high surrogate', 'a\ud800', 'must be well-formed Unicode'],
    ['a lone low surrogate', '\udc00b', 'must be well-formed Unicode'],
    ['surrogates in the wrong order', '\ude00\ud83d', 'must be well-formed Unicode'],
    ['a line break', 'Ada\nL', 'must be a single line (no tabs or line breaks)'],
    ['a tab', 'Ada\tL', 'must be a single line (no tabs or line breaks)'],
    ['a carriage return', 'Ada\rL', 'must be a single line (no tabs or line breaks)'],
    ['nothing but spaces', '   ', 'must not be empty'],
    ['too long', 'abcdefghijk', 'must be at most 10 characters'],
    ['a number', 5, 'must be a string'],
    ['null', null, 'must be a string'],
    ['nothing', undefined, 'is required'],
  ])('refuses %s', (_what, input, reason) => {
    expect(verdict(name, input)).toEqual({ refused: [reason] });
  });

  it('says "at least N characters" for a longer minimum, and takes its own reason for an empty value', () => {
    expect(verdict(singleLine({ min: 3, max: 9 }), 'ab')).toEqual({
      refused: ['must be at least 3 characters'],
    });
    expect(verdict(singleLine({ min: 1, max: 9, empty: 'is required' }), '')).toEqual({
      refused: ['is required'],
    });
  });

  it('keeps white space when told not to trim (passwords, ids)', () => {
    expect(verdict(singleLine({ max: 20, trim: false }), '  secret  ')).toEqual({ value: '  secret  ' });
  });

  it('carries its rules into the JSON schema of the OpenAPI document', () => {
    const json = z.toJSONSchema(name, { io: 'input' }) as {
      minLength: number;
      maxLength: number;
      pattern: string;
    };
    expect(json).toMatchObject({ type: 'string', minLength: 1, maxLength: 10 });
    const pattern = new RegExp(json.pattern);
    expect(pattern.test('Zoë 😀')).toBe(true);
    for (const bad of ['a\u0000', 'a\n', 'a\u0085', '\ud800']) expect(pattern.test(bad), bad).toBe(false);
  });
});

describe('multiLine', () => {
  const bio = multiLine({ max: 50 });

  it('accepts tabs and line breaks (LF, CRLF), and trims the ends', () => {
    expect(verdict(bio, ' Line one\r\nLine two\n\tindented\n')).toEqual({
      value: 'Line one\r\nLine two\n\tindented',
    });
  });

  it.each([
    ['NUL', 'a\u0000', 'must not contain control characters'],
    ['a vertical tab', 'a\u000bb', 'must not contain control characters'],
    ['a form feed', 'a\u000cb', 'must not contain control characters'],
    ['escape', '\u001b[31mred', 'must not contain control characters'],
    ['a lone surrogate', 'x\udbff', 'must be well-formed Unicode'],
  ])('refuses %s', (_what, input, reason) => {
    expect(verdict(bio, input)).toEqual({ refused: [reason] });
  });

  it('lets the JSON schema pattern allow the line breaks and refuse the rest', () => {
    const { pattern } = z.toJSONSchema(bio, { io: 'input' }) as { pattern: string };
    expect(new RegExp(pattern).test('a\r\nb\tc')).toBe(true);
    expect(new RegExp(pattern).test('a\u0000')).toBe(false);
  });
});

describe('id and httpsUrl', () => {
  it('takes an id as sent, and refuses an empty one, a long one and control characters', () => {
    expect(verdict(id(), ' 0f8a-x ')).toEqual({ value: ' 0f8a-x ' });
    expect(verdict(id(), '')).toEqual({ refused: ['must not be empty'] });
    expect(verdict(id(), 'x'.repeat(101))).toEqual({ refused: ['must be at most 100 characters'] });
    expect(verdict(id(), '%00\u0000')).toEqual({ refused: ['must not contain control characters'] });
  });

  it('accepts an https URL, and refuses http, control characters and lone surrogates', () => {
    expect(verdict(httpsUrl(), 'https://meet.example.com/room')).toEqual({
      value: 'https://meet.example.com/room',
    });
    expect(verdict(httpsUrl(), 'http://meet.example.com/room')).toEqual({
      refused: ['must be an https URL'],
    });
    expect(verdict(httpsUrl(), 'https://meet.example.com/\u0000')).toEqual({
      refused: ['must not contain control characters'],
    });
    expect(verdict(httpsUrl(), 'https://meet.example.com/\ud800')).toEqual({
      refused: ['must be well-formed Unicode'],
    });
  });
});

describe('timestamp', () => {
  const at = timestamp();

  it.each([
    ['UTC', '2026-12-01T18:00:00Z', '2026-12-01T18:00:00.000Z'],
    ['an offset, passed on as UTC', '2026-12-01T18:00:00+02:00', '2026-12-01T16:00:00.000Z'],
    ['the widest offsets', '2026-12-01T18:00:00-14:00', '2026-12-02T08:00:00.000Z'],
    ['+14:00', '2026-12-01T18:00:00+14:00', '2026-12-01T04:00:00.000Z'],
    ['fractions of a second', '2026-12-01T18:00:00.123456Z', '2026-12-01T18:00:00.123Z'],
    ['the first instant of year 1', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['the last of year 9999', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['a leap day', '2028-02-29T12:00:00Z', '2028-02-29T12:00:00.000Z'],
  ])('accepts %s', (_what, input, output) => {
    expect(verdict(at, input)).toEqual({ value: output });
  });

  it.each([
    ['an offset of -23:59', '2026-12-01T18:00:00-23:59', 'offset must be within ±14:00'],
    ['an offset of +14:01', '2026-12-01T18:00:00+14:01', 'offset must be within ±14:00'],
    ['year 0', '0000-01-01T00:00:00Z', 'must be in the years 0001 to 9999 (UTC)'],
    ['year 0 once in UTC', '0001-01-01T05:00:00+10:00', 'must be in the years 0001 to 9999 (UTC)'],
    ['year 10000 once in UTC', '9999-12-31T23:00:00-02:00', 'must be in the years 0001 to 9999 (UTC)'],
    ['no offset', '2026-12-01T18:00:00', 'must be an ISO 8601 date-time with an offset'],
    ['a date alone', '2026-12-01', 'must be an ISO 8601 date-time with an offset'],
    ['a day that does not exist', '2026-02-30T10:00:00Z', 'must be an ISO 8601 date-time with an offset'],
    ['a bare year', '2026', 'must be an ISO 8601 date-time with an offset'],
    ['a word', 'tomorrow', 'must be an ISO 8601 date-time with an offset'],
    ['a six-digit year', '+010000-01-01T00:00:00Z', 'must be an ISO 8601 date-time with an offset'],
    ['NUL', '2026-12-01T18:00:00Z\u0000', 'must be an ISO 8601 date-time with an offset'],
    ['a number', 1767225600000, 'must be an ISO 8601 date-time with an offset'],
  ])('refuses %s', (_what, input, reason) => {
    expect(verdict(at, input)).toEqual({ refused: [reason] });
  });

  it('documents the form and the offset range in its JSON schema', () => {
    const json = z.toJSONSchema(at, { io: 'input' }) as { format: string; pattern: string };
    expect(json.format).toBe('date-time');
    expect(new RegExp(json.pattern).test('2026-12-01T18:00:00+14:00')).toBe(true);
    expect(new RegExp(json.pattern).test('2026-12-01T18:00:00-23:59')).toBe(false);
  });
});

describe('decodeCursor', () => {
  it('gives back the sort key it encoded', () => {
    const cursor = encodeCursor(['2026-12-01T18:00:00.123456Z', 'row-7']);
    expect(decodeCursor(cursor, timeAndId)).toEqual(['2026-12-01T18:00:00.123456Z', 'row-7']);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor!'],
    ['not a list', Buffer.from('{"a":1}').toString('base64url')],
    ['too short', encodeCursor(['2026-12-01T18:00:00Z'])],
    ['too long', encodeCursor(['2026-12-01T18:00:00Z', 'a', 'b'])],
    ['of the wrong types', encodeCursor([1, 2])],
    ['a time that is a bare year', encodeCursor(['2026', 'x'])],
    ['a time with an offset', encodeCursor(['2026-12-01T18:00:00+02:00', 'x'])],
    ['a day that does not exist', encodeCursor(['2026-02-30T10:00:00.000000Z', 'x'])],
    ['year 0', encodeCursor(['0000-01-01T00:00:00.000000Z', 'x'])],
    ['NUL in the id', encodeCursor(['2026-12-01T18:00:00Z', 'a\u0000'])],
    ['a lone surrogate in the id', encodeCursor(['2026-12-01T18:00:00Z', '\ud800'])],
    ['an empty id', encodeCursor(['2026-12-01T18:00:00Z', ''])],
  ])('refuses a cursor %s with BadCursorError', (_what, cursor) => {
    expect(() => decodeCursor(cursor, timeAndId)).toThrow(BadCursorError);
  });

  it('keeps a cursor time at microsecond precision', () => {
    expect(cursorTime.parse('2026-12-01T18:00:00.123456Z')).toBe('2026-12-01T18:00:00.123456Z');
  });
});

describe('storedHeader', () => {
  it('drops control characters, replaces lone surrogates and cuts without splitting a pair', () => {
    expect(storedHeader('Browser\u0001/1.0 \ud800(X11)\u0085', 300)).toBe('Browser/1.0 \ufffd(X11)');
    expect(storedHeader('ab😀', 3)).toBe('ab');
    expect(storedHeader(['a', 'b'], 10)).toBe('a, b');
    expect(storedHeader(undefined, 10)).toBeNull();
  });
});
