// The report weight rule, pure: a reporter's record in, the weight of their report out.
import { describe, expect, it } from 'vitest';
import { reportWeight, type Standing, totalWeight } from './standing.ts';

const record = (over: Partial<Standing> = {}): Standing => ({
  accountAgeDays: 0,
  sessionsAttended: 0,
  sessionsHosted: 0,
  upheldReports: 0,
  dismissedReports: 0,
  ...over,
});
const THRESHOLD = 3; // REPORT_HIDE_THRESHOLD's default

describe('reportWeight', () => {
  it.each([
    ['an account made a minute ago, nothing attended', {}, 0.1],
    ['a day old', { accountAgeDays: 1 }, 0.12],
    ['a week old', { accountAgeDays: 7 }, 0.24],
    ['a month old (age counts up to 30 days)', { accountAgeDays: 30 }, 0.7],
    ['two years old (no more for age)', { accountAgeDays: 730 }, 0.7],
    ['new, one session attended', { sessionsAttended: 1 }, 0.35],
    [
      'new, two attended and one hosted (sessions count up to 3)',
      { sessionsAttended: 2, sessionsHosted: 1 },
      0.85,
    ],
    ['new, forty sessions attended (no more for sessions)', { sessionsAttended: 40 }, 0.85],
    ['new, one report upheld', { upheldReports: 1 }, 0.35],
    ['new, ten reports upheld (upheld count up to 3)', { upheldReports: 10 }, 0.85],
    ['a month old with three sessions', { accountAgeDays: 30, sessionsAttended: 3 }, 1.45],
    [
      'a month old with three sessions and one dismissed',
      { accountAgeDays: 30, sessionsAttended: 3, dismissedReports: 1 },
      1.2,
    ],
    [
      'everything at its cap (2.2, capped at 2)',
      { accountAgeDays: 90, sessionsHosted: 5, upheldReports: 5 },
      2,
    ],
    ['new with two dismissed reports (never below 0.1)', { dismissedReports: 2 }, 0.1],
    ['an account age from a clock running behind (negative)', { accountAgeDays: -3 }, 0.1],
  ])('given %s, then the report weighs %s', (_who, over, weight) => {
    expect(reportWeight(record(over as Partial<Standing>))).toBe(weight);
  });

  it('given three or twenty accounts made a minute ago, then together they stay below the threshold', () => {
    const fresh = reportWeight(record());
    expect(totalWeight(Array(3).fill(fresh))).toBeLessThan(THRESHOLD);
    expect(totalWeight(Array(20).fill(fresh))).toBe(2);
  });

  it('given three members of a month who attended three sessions, then together they reach it; two do not', () => {
    const established = reportWeight(record({ accountAgeDays: 30, sessionsAttended: 3 }));
    expect(totalWeight(Array(3).fill(established))).toBeGreaterThanOrEqual(THRESHOLD);
    expect(totalWeight(Array(2).fill(established))).toBeLessThan(THRESHOLD);
  });

  it('given the weightiest reporter, then one report alone never hides anything', () => {
    const top = reportWeight(record({ accountAgeDays: 365, sessionsAttended: 50, upheldReports: 50 }));
    expect(top).toBe(2);
    expect(top).toBeLessThan(THRESHOLD);
  });

  it('adds weights in hundredths, so thirty reports of 0.1 make exactly 3', () => {
    expect(totalWeight(Array(30).fill(0.1))).toBe(3);
    expect(totalWeight([0.1, 0.2])).toBe(0.3);
  });
});
