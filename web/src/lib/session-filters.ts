// Browse filters live in the URL (/sessions?q=…&skill=…) so a search can be shared and works without
// JavaScript. The form shows calendar days; the API wants instants, so days are read in the viewer's
// zone and "to" includes its whole day (the API's `to` is exclusive). A visitor without a profile zone has
// the browser's zone sent along as `tz` (the form fills it in), so days match the times the cards show.

import { isTimeZone, startOfDay } from './session-times.ts';
import { DIFFICULTIES, type Difficulty } from './sessions.ts';

export const STATUSES = ['scheduled', 'completed', 'cancelled', 'all'] as const;
export type StatusFilter = (typeof STATUSES)[number];

export const STATUS_CHOICES: Record<StatusFilter, string> = {
  scheduled: 'Upcoming',
  completed: 'Completed',
  cancelled: 'Cancelled',
  all: 'Any status',
};

export type BrowseFilters = {
  q: string;
  skill: string;
  difficulty: Difficulty | '';
  from: string;
  to: string;
  status: StatusFilter;
  cursor: string;
  /** The browser's zone, for a visitor with no profile zone ('' when unknown or not a zone). */
  tz: string;
  /** How many results from the soonest "Load more" has shown so far (a page's worth at first). */
  shown: number;
};

export const PAGE_SIZE = 12;
/** The most results one request may bring (the API's limit); past it, pages follow the cursor alone. */
export const MAX_SHOWN = 96;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function text(params: URLSearchParams, name: string, max: number): string {
  return (params.get(name) ?? '').trim().slice(0, max);
}

/** Reads the query string leniently: anything unusable is dropped rather than turned into an error page. */
export function readFilters(params: URLSearchParams): BrowseFilters {
  const difficulty = params.get('difficulty') ?? '';
  const status = params.get('status') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const tz = text(params, 'tz', 64);
  return {
    q: text(params, 'q', 200),
    skill: text(params, 'skill', 50),
    difficulty: (DIFFICULTIES as string[]).includes(difficulty) ? (difficulty as Difficulty) : '',
    from: DAY.test(from) ? from : '',
    to: DAY.test(to) ? to : '',
    status: (STATUSES as readonly string[]).includes(status) ? (status as StatusFilter) : 'scheduled',
    cursor: text(params, 'cursor', 500),
    tz: isTimeZone(tz) ? tz : '',
    shown: readShown(params.get('shown')),
  };
}

function readShown(value: string | null): number {
  const n = Number.parseInt(value ?? '', 10);
  if (!Number.isFinite(n) || n <= PAGE_SIZE) return PAGE_SIZE;
  return Math.min(MAX_SHOWN, Math.ceil(n / PAGE_SIZE) * PAGE_SIZE);
}

export function isFiltered(f: BrowseFilters): boolean {
  return Boolean(f.q || f.skill || f.difficulty || f.from || f.to || f.status !== 'scheduled');
}

/** The API request for these filters; dates become the start of the day in `zone`. */
export function apiPath(f: BrowseFilters, zone: string): string {
  const limit = f.cursor ? PAGE_SIZE : f.shown;
  const p = new URLSearchParams({ limit: String(limit), status: f.status });
  if (f.q) p.set('q', f.q);
  if (f.skill) p.set('skill', f.skill);
  if (f.difficulty) p.set('difficulty', f.difficulty);
  const from = f.from ? startOfDay(f.from, zone) : null;
  const to = f.to ? startOfDay(f.to, zone, 1) : null;
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  if (f.cursor) p.set('cursor', f.cursor);
  return `/api/sessions?${p}`;
}

/** The page URL for these filters, leaving out defaults so shared links stay short. */
export function pageHref(f: BrowseFilters, cursor?: string | null): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.skill) p.set('skill', f.skill);
  if (f.difficulty) p.set('difficulty', f.difficulty);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.status !== 'scheduled') p.set('status', f.status);
  if (f.tz && (f.from || f.to)) p.set('tz', f.tz);
  if (cursor) p.set('cursor', cursor);
  else if (f.shown > PAGE_SIZE) p.set('shown', String(f.shown));
  const qs = p.toString();
  return qs ? `/sessions?${qs}` : '/sessions';
}

/**
 * "Load more": the same list with one more page from the soonest (`shown`), so the URL keeps everything shown so far
 * and a reload or a link without JavaScript lands on the first new result; past MAX_SHOWN, the next page alone.
 */
export function moreHref(f: BrowseFilters, nextCursor: string): string {
  if (f.cursor || f.shown + PAGE_SIZE > MAX_SHOWN) return pageHref(f, nextCursor);
  return `${pageHref({ ...f, shown: f.shown + PAGE_SIZE })}#result-${f.shown + 1}`;
}

/** A sentence naming what is being searched for, read out with the results. */
export function describeFilters(f: BrowseFilters): string {
  const parts: string[] = [];
  if (f.q) parts.push(`matching “${f.q}”`);
  if (f.skill) parts.push(`in ${f.skill}`);
  if (f.difficulty) parts.push(`for ${f.difficulty} level`);
  if (f.from && f.to) parts.push(`from ${f.from} to ${f.to}`);
  else if (f.from) parts.push(`from ${f.from}`);
  else if (f.to) parts.push(`until ${f.to}`);
  return parts.join(' ');
}
