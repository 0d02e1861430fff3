import { DateTime } from 'luxon';

/**
 * The start times of a repeating session: every `everyWeeks` weeks at the same wall-clock time in the host's
 * time zone, so a weekly 18:00 class stays at 18:00 across a daylight-saving change (its UTC time moves).
 */
export function occurrences(
  firstStartsAt: string,
  timezone: string,
  everyWeeks: number,
  count: number,
): string[] {
  const first = DateTime.fromISO(firstStartsAt, { zone: 'utc' }).setZone(timezone);
  return Array.from(
    { length: count },
    (_, i) =>
      first
        .plus({ weeks: i * everyWeeks })
        .toUTC()
        .toISO({ suppressMilliseconds: true })!,
  );
}
