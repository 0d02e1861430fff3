// Month buckets for the "My learning" charts. Months are counted in the member's own time zone (a
// session on the evening of 31 May in Lima belongs to May there, even if it is already June in UTC).

import { dateFormat } from './format.ts';

export type Month = { key: string; short: string; long: string };

function partsOf(date: Date, timeZone: string): { year: number; month: number } {
  const parts = dateFormat('en-CA', { year: 'numeric', month: '2-digit', timeZone }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month') };
}

const keyOf = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** "2026-11" for an instant, in the given zone; '' for a date that does not parse. */
export function monthKey(iso: string, timeZone = 'UTC'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const { year, month } = partsOf(date, timeZone);
  return keyOf(year, month);
}

/** The last `count` months, oldest first, ending with the current one. */
export function lastMonths(count: number, now = new Date(), timeZone = 'UTC'): Month[] {
  const { year, month } = partsOf(now, timeZone);
  const out: Month[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    const y = Math.floor(index / 12);
    const m = (index % 12) + 1;
    // Mid-month at noon UTC names the month the same in every zone.
    const mid = new Date(Date.UTC(y, m - 1, 15, 12));
    out.push({
      key: keyOf(y, m),
      // en-US for three-letter names ("Sep"; en-GB says "Sept"), which fit under a bar.
      short: dateFormat('en-US', { month: 'short', timeZone: 'UTC' }).format(mid),
      long: dateFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(mid),
    });
  }
  return out;
}

/** A round top for a count axis, and the gridlines to draw under it. */
export function countScale(max: number): { top: number; ticks: number[] } {
  const top = Math.max(2, Math.ceil(max / 2) * 2);
  return { top, ticks: [0, top / 2, top] };
}
