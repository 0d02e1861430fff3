// Re-renders server-formatted UTC times (<time data-local datetime="...">) in the
// visitor's own time zone; the zone name stays in the text so it is never ambiguous.
import { dateTimeOptions } from '../lib/format.ts';

const format = new Intl.DateTimeFormat(undefined, dateTimeOptions);
for (const el of document.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
  const date = new Date(el.dateTime);
  if (Number.isNaN(date.getTime())) continue;
  el.textContent = format.format(date);
  el.title = `Shown in your time zone (${format.resolvedOptions().timeZone})`;
}
