// Building a DateTimeFormat costs far more than using one: one per time zone, made once.
const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * "Mon 10 Jun, 18:00 CEST": a moment in a member's own time zone, in the site's format (web/src/lib/format.ts
 * formatDateTime), never a raw zone id. What notifications and emails say.
 */
export function localDateTime(moment: Date | string, timezone: string) {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
      timeZone: timezone,
    });
    formats.set(timezone, format);
  }
  return format.format(new Date(moment));
}
