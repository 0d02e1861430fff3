// Server rendering cannot know the visitor's time zone, so HTML is rendered in UTC with
// the zone named; scripts/local-time.ts then rewrites <time data-local> into the
// browser's own zone, again naming it. Either way the reader knows which clock is shown.

export const SERVER_TIME_ZONE = 'UTC';

export const dateTimeOptions: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A shared Intl.DateTimeFormat: making one costs far more than formatting with it (it was a page's top cost). */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    // Keys are a few locales × the zones members use: bounded, but cap it against a flood of odd zones.
    if (formatters.size > 1000) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/**
 * The site's one way to print a moment: "Wed 2 Dec, 18:00 CET", in a named zone (the zone's abbreviation, or its
 * offset where it has none). Server pages, islands and scripts/local-time.ts all use it; formatDay is its day-only
 * form, formatSpan (session-times.ts) its start-to-end form.
 */
export function formatDateTime(iso: string, timeZone = SERVER_TIME_ZONE): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'Date to be announced';
  return dateFormat('en-GB', { ...dateTimeOptions, timeZone }).format(date);
}

/** A calendar day ("25 Nov 2026"): reviews and badges are about the day, not the minute. */
export function formatDay(iso: string, timeZone = SERVER_TIME_ZONE): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return dateFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(d);
}

/** A time of day with seconds ("18:00:05"), for live dashboards. */
export function formatClock(date: Date, timeZone?: string): string {
  return dateFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}

export function formatDuration(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return '';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((p) => Array.from(p ?? '')[0]?.toUpperCase() ?? '').join('') || '?';
}

/** Only http(s) and same-origin paths may reach src/href attributes built from user data. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function capitalize(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
