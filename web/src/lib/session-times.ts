// Time-zone arithmetic for sessions, with Intl only (no date library in the browser bundle).
// A session is planned as a wall-clock time in a named zone ("18:00 in Europe/Berlin"); the API
// wants an instant with an offset. These helpers go back and forth and notice wall times that do
// not exist (the hour skipped when clocks go forward), so a form can say so instead of guessing.

import { dateFormat, dateTimeOptions, formatDateTime } from './format.ts';

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(zone: string, date: Date) {
  let f = partFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(date)) p[part.type] = part.value;
  return { y: +p.year!, mo: +p.month!, d: +p.day!, h: +p.hour!, mi: +p.minute!, s: +p.second! };
}

export function isTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes the zone is ahead of UTC at that instant (Berlin in summer: 120). */
export function offsetMinutes(zone: string, date: Date): number {
  const w = partsIn(zone, date);
  const whole = Math.floor(date.getTime() / 1000) * 1000;
  return Math.round((Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - whole) / 60000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The wall-clock time of an instant in a zone, as a `datetime-local` value (YYYY-MM-DDTHH:mm). */
export function toWallTime(iso: string | Date, zone: string): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime()) || !isTimeZone(zone)) return '';
  const w = partsIn(zone, date);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}`;
}

export type ZonedInstant = { iso: string; time: number; exists: boolean };

/**
 * "2026-03-29T02:30" in "Europe/Berlin" → an ISO string with that zone's offset. `exists` is false for a
 * wall time that the zone skips; null means the input is not a date-time at all.
 */
export function fromWallTime(local: string, zone: string): ZonedInstant | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m || !isTimeZone(zone)) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(asUtc);
  if (Number.isNaN(asUtc) || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  // Two passes settle the offset around a transition: guess with the offset at the naive instant, then re-check.
  let offset = offsetMinutes(zone, new Date(asUtc));
  let time = asUtc - offset * 60000;
  const second = offsetMinutes(zone, new Date(time));
  if (second !== offset) {
    offset = second;
    time = asUtc - offset * 60000;
  }
  const w = partsIn(zone, new Date(time));
  const exists = w.y === y && w.mo === mo && w.d === d && w.h === h && w.mi === mi;
  const iso = `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${formatOffset(offset)}`;
  return { iso, time, exists };
}

/** Midnight at the start of a calendar day (YYYY-MM-DD) in a zone, as an ISO string; null if not a date. */
export function startOfDay(day: string, zone: string, addDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const base = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays));
  if (Number.isNaN(base.getTime())) return null;
  const local = `${base.getUTCFullYear()}-${pad(base.getUTCMonth() + 1)}-${pad(base.getUTCDate())}T00:00`;
  const zoned = fromWallTime(local, zone);
  return zoned ? new Date(zoned.time).toISOString() : null;
}

/** Every zone the runtime knows, UTC first: the choices of a time-zone <select>. */
export function timeZoneChoices(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...all.filter((z) => z !== 'UTC')];
}

/** "America/Argentina/Buenos_Aires" → "America/Argentina/Buenos Aires": IANA names, readable. */
/**
 * A zone as people say it: its city and its name ("Tokyo (Japan Time)", "New York (Eastern Time)"), never a raw id
 * like "America/New_York"; UTC stays UTC.
 */
export function zoneName(zone: string): string {
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Etc/GMT') return 'UTC';
  const city = (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
  let name = '';
  try {
    name =
      dateFormat('en-GB', { timeZone: zone, timeZoneName: 'longGeneric' })
        .formatToParts(new Date())
        .find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    return city;
  }
  // Zones without a name of their own answer with an offset ("GMT+03:00"), or with the city again.
  return name && !/^GMT/.test(name) && !name.includes(city) ? `${city} (${name})` : city;
}

/** Whether two zones show the same wall time at this instant (Europe/Paris and Europe/Berlin do, mostly). */
export function sameClock(iso: string, a: string, b: string): boolean {
  if (a === b) return true;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return false;
  const pa = partsIn(a, date);
  const pb = partsIn(b, date);
  return pa.y === pb.y && pa.mo === pb.mo && pa.d === pb.d && pa.h === pb.h && pa.mi === pb.mi;
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** "Fri 27 Nov, 12:00–13:30 GMT-5": a start and end in one zone, the date and zone said once. */
export function formatSpan(startIso: string, endIso: string | undefined, zone: string): string {
  const start = new Date(startIso);
  const end = endIso ? new Date(endIso) : null;
  if (!end || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    return formatDateTime(startIso, zone);
  return dateFormat('en-GB', { ...dateTimeOptions, timeZone: zone }).formatRange(start, end);
}
