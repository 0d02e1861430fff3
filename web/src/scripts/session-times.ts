// Rewrites the viewer row of session times rendered without a known zone (SessionTimes.astro's data-viewer-row)
// into the browser's zone, or hides it when the session's own clock reads the same. Exported so content added
// later (the next page of results) gets the same treatment.
import { browserTimeZone, formatSpan, sameClock, zoneName } from '../lib/session-times.ts';

export function localiseSessionTimes(root: ParentNode = document): void {
  const zone = browserTimeZone();
  for (const list of root.querySelectorAll<HTMLElement>('[data-session-times]')) {
    const row = list.querySelector<HTMLElement>('[data-viewer-row]');
    if (!row || row.dataset.localised) continue;
    row.dataset.localised = 'yes';
    const time = row.querySelector<HTMLTimeElement>('[data-viewer-time]');
    const sessionZone = list.dataset.sessionZone ?? 'UTC';
    if (time && sameClock(time.dateTime, zone, sessionZone)) {
      row.hidden = true;
      const label = list.querySelector('[data-session-zone-label]');
      if (label) label.textContent = `${zoneName(sessionZone)} · your time too`;
      list.querySelector('.row-session')?.classList.add('alone');
      continue;
    }
    if (time) time.textContent = formatSpan(time.dateTime, time.dataset.ends, zone);
    const label = row.querySelector('[data-viewer-label]');
    if (label) label.textContent = 'Your time';
    const zoneEl = row.querySelector('[data-viewer-zone]');
    if (zoneEl) zoneEl.textContent = zoneName(zone);
  }
}
