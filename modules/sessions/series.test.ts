// Repeating sessions: given a first start, a time zone, a spacing and a count, then these UTC start times.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { occurrences } from './series.ts';

const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);

describe('occurrences', () => {
  it('keeps a weekly 18:00 Europe/Berlin class at 18:00 local when summer time ends (UTC 16:00, then 17:00)', () => {
    // Summer time in Germany ends on Sunday 2026-10-25 at 03:00 local: CEST (UTC+2) becomes CET (UTC+1).
    const starts = occurrences('2026-10-18T16:00:00Z', 'Europe/Berlin', 1, 4);
    expect(starts).toEqual([
      '2026-10-18T16:00:00Z',
      '2026-10-25T17:00:00Z',
      '2026-11-01T17:00:00Z',
      '2026-11-08T17:00:00Z',
    ]);
    for (const s of starts) expect(local(s, 'Europe/Berlin').toFormat('ccc HH:mm')).toBe('Sun 18:00');
  });

  it('reads a first start given with a local offset the same way', () => {
    expect(occurrences('2026-10-18T18:00:00+02:00', 'Europe/Berlin', 1, 2)).toEqual([
      '2026-10-18T16:00:00Z',
      '2026-10-25T17:00:00Z',
    ]);
  });

  it('keeps a weekly 18:00 America/New_York class at 18:00 local across 2026-11-01 (UTC 22:00, then 23:00)', () => {
    const starts = occurrences('2026-10-18T22:00:00Z', 'America/New_York', 1, 3);
    expect(starts).toEqual(['2026-10-18T22:00:00Z', '2026-10-25T22:00:00Z', '2026-11-01T23:00:00Z']);
    for (const s of starts) expect(local(s, 'America/New_York').toFormat('HH:mm')).toBe('18:00');
  });

  it('follows spring forward too: Berlin 2026-03-29 moves a 09:00 class from UTC 08:00 to 07:00', () => {
    expect(occurrences('2026-03-22T08:00:00Z', 'Europe/Berlin', 1, 2)).toEqual([
      '2026-03-22T08:00:00Z',
      '2026-03-29T07:00:00Z',
    ]);
  });

  it('spaces a fortnightly series two weeks apart in local time, across the change', () => {
    const starts = occurrences('2026-10-11T16:00:00Z', 'Europe/Berlin', 2, 3);
    expect(starts).toEqual(['2026-10-11T16:00:00Z', '2026-10-25T17:00:00Z', '2026-11-08T17:00:00Z']);
    const days = starts.map((s) => local(s, 'Europe/Berlin').startOf('day'));
    expect(days[1]!.diff(days[0]!, 'days').days).toBe(14);
    expect(days[2]!.diff(days[1]!, 'days').days).toBe(14);
  });

  it('in UTC a weekly series is exactly 7 × 24 h apart', () => {
    const starts = occurrences('2026-10-18T18:00:00Z', 'UTC', 1, 3).map((s) => Date.parse(s));
    expect(starts[1]! - starts[0]!).toBe(7 * 24 * 3600_000);
    expect(starts[2]! - starts[1]!).toBe(7 * 24 * 3600_000);
  });

  it('makes exactly count occurrences (12), distinct, ascending, each one week after the last in local time', () => {
    const starts = occurrences('2026-09-06T16:00:00Z', 'Europe/Berlin', 1, 12);
    expect(starts).toHaveLength(12);
    expect(new Set(starts).size).toBe(12);
    expect([...starts].sort()).toEqual(starts);
    expect(starts[0]).toBe('2026-09-06T16:00:00Z');
    expect(starts[11]).toBe('2026-11-22T17:00:00Z');
    for (const s of starts) expect(local(s, 'Europe/Berlin').toFormat('ccc HH:mm')).toBe('Sun 18:00');
  });

  it('a count of 1 is just the first start', () => {
    expect(occurrences('2026-10-18T16:00:00Z', 'Europe/Berlin', 2, 1)).toEqual(['2026-10-18T16:00:00Z']);
  });
});
