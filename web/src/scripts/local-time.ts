// Re-renders server-formatted UTC times (<time data-local datetime="...">) in the visitor's own time zone, with
// the one date format of the site (lib/format.ts); the zone stays in the text so it is never ambiguous.
import { formatDateTime } from '../lib/format.ts';
import { browserTimeZone, zoneName } from '../lib/session-times.ts';

const zone = browserTimeZone();
for (const el of document.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
  if (Number.isNaN(new Date(el.dateTime).getTime())) continue;
  el.textContent = formatDateTime(el.dateTime, zone);
  el.title = `Shown in your time zone (${zoneName(zone)})`;
}
