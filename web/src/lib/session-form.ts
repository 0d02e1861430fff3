// The session form's rules, checked with the server's limits so a host hears about a mistake before a round
// trip. The server stays the authority: its `details` land on the same fields.

import { SESSION_LIMITS } from '../../../modules/sessions/limits.ts';
import { fromWallTime, toWallTime, zoneName } from './session-times.ts';
import type { Difficulty, Session } from './sessions.ts';

/** The server's own limits (modules/sessions/limits.ts, what its request schemas enforce), not a copy. */
export const LIMITS = SESSION_LIMITS;

export type RepeatEvery = '' | 'week' | 'two-weeks';

export type SessionDraft = {
  title: string;
  skill: string;
  description: string;
  difficulty: Difficulty;
  prerequisites: string[];
  start: string; // datetime-local value, read in `timezone`
  timezone: string;
  durationMinutes: string;
  capacity: string;
  meetingUrl: string;
  repeatEvery: RepeatEvery;
  repeatCount: string;
};

export type DraftField = keyof SessionDraft;
export type FieldErrors = Partial<Record<DraftField, string>>;

export const LABELS: Record<DraftField, string> = {
  title: 'Title',
  skill: 'Skill',
  description: 'Description',
  difficulty: 'Level',
  prerequisites: 'Prerequisites',
  start: 'Start',
  timezone: 'Time zone',
  durationMinutes: 'Duration',
  capacity: 'Capacity',
  meetingUrl: 'Meeting link',
  repeatEvery: 'Repeat',
  repeatCount: 'Number of sessions',
};

export function emptyDraft(timezone: string): SessionDraft {
  return {
    title: '',
    skill: '',
    description: '',
    difficulty: 'beginner',
    prerequisites: [],
    start: '',
    timezone,
    durationMinutes: '60',
    capacity: '10',
    meetingUrl: '',
    repeatEvery: '',
    repeatCount: '4',
  };
}

/** An existing session as the form edits it: its start shown in its own zone. */
export function draftOf(s: Session): SessionDraft {
  return {
    title: s.title,
    skill: s.skill,
    description: s.description,
    difficulty: (s.difficulty as Difficulty) ?? 'beginner',
    prerequisites: [...s.prerequisites],
    start: toWallTime(s.startsAt, s.timezone),
    timezone: s.timezone,
    durationMinutes: String(s.durationMinutes),
    capacity: String(s.capacity),
    meetingUrl: s.meetingUrl ?? '',
    repeatEvery: '',
    repeatCount: '4',
  };
}

/** Number inputs bound in Svelte hand over numbers (or null when empty), text inputs strings. */
function wholeNumber(value: string | number | null | undefined): number | null {
  const v = value == null ? '' : String(value).trim();
  return /^\d+$/.test(v) ? Number(v) : null;
}

export function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' && Boolean(url.hostname);
  } catch {
    return false;
  }
}

/** The start as an instant, or an error message naming the zone it was read in. */
export function checkStart(start: string, zone: string, now = Date.now()): { iso?: string; error?: string } {
  if (!start) return { error: 'Choose the date and time the session starts.' };
  const zoned = fromWallTime(start, zone);
  if (!zoned) return { error: 'Enter a valid date and time.' };
  if (!zoned.exists)
    return { error: `That time doesn’t exist in ${zoneName(zone)} (the clocks change). Pick another.` };
  if (zoned.time <= now) return { error: 'The start must be in the future.' };
  return { iso: zoned.iso };
}

export function checkField(
  field: DraftField,
  d: SessionDraft,
  opts: { minCapacity?: number } = {},
): string | null {
  switch (field) {
    case 'title': {
      const n = d.title.trim().length;
      if (n < LIMITS.titleMin) return `Title must be at least ${LIMITS.titleMin} characters.`;
      return n > LIMITS.titleMax ? `Title must be at most ${LIMITS.titleMax} characters.` : null;
    }
    case 'skill': {
      const n = d.skill.trim().length;
      if (n === 0) return 'Name the skill this session teaches.';
      return n > LIMITS.skillMax ? `Skill must be at most ${LIMITS.skillMax} characters.` : null;
    }
    case 'description':
      return d.description.length > LIMITS.descriptionMax
        ? `Description must be at most ${LIMITS.descriptionMax} characters.`
        : null;
    case 'prerequisites': {
      const items = d.prerequisites.map((p) => p.trim()).filter(Boolean);
      if (items.length > LIMITS.prerequisitesMax)
        return `List at most ${LIMITS.prerequisitesMax} prerequisites.`;
      return items.some((p) => p.length > LIMITS.prerequisiteMax)
        ? `Each prerequisite must be at most ${LIMITS.prerequisiteMax} characters.`
        : null;
    }
    case 'durationMinutes': {
      const n = wholeNumber(d.durationMinutes);
      if (n === null) return 'Duration must be a whole number of minutes.';
      if (n < LIMITS.durationMin) return `Duration must be at least ${LIMITS.durationMin} minutes.`;
      return n > LIMITS.durationMax
        ? `Duration must be at most ${LIMITS.durationMax} minutes (8 hours).`
        : null;
    }
    case 'capacity': {
      const n = wholeNumber(d.capacity);
      const min = Math.max(LIMITS.capacityMin, opts.minCapacity ?? 0);
      if (n === null) return 'Capacity must be a whole number.';
      if (n < min) {
        return min > LIMITS.capacityMin
          ? `Capacity cannot go below the ${min} members already registered.`
          : `Capacity must be at least ${min}.`;
      }
      return n > LIMITS.capacityMax ? `Capacity must be at most ${LIMITS.capacityMax}.` : null;
    }
    case 'meetingUrl':
      if (!d.meetingUrl.trim()) return 'Add the link attendees use to join.';
      if (d.meetingUrl.trim().length > LIMITS.urlMax)
        return `Meeting link must be at most ${LIMITS.urlMax} characters.`;
      return isHttpsUrl(d.meetingUrl) ? null : 'Meeting link must be an https:// URL.';
    case 'repeatCount': {
      if (!d.repeatEvery) return null;
      const n = wholeNumber(d.repeatCount);
      if (n === null || n < LIMITS.repeatMin || n > LIMITS.repeatMax) {
        return `A series has ${LIMITS.repeatMin} to ${LIMITS.repeatMax} sessions.`;
      }
      return null;
    }
    default:
      return null;
  }
}

/** The fields in the order they appear on the form (the error summary follows it). */
export const CHECKED: DraftField[] = [
  'title',
  'skill',
  'description',
  'prerequisites',
  'start',
  'durationMinutes',
  'repeatCount',
  'capacity',
  'meetingUrl',
];

/** Every problem in the draft. The start is only checked when it will be sent (see changes()). */
export function checkDraft(
  d: SessionDraft,
  opts: { minCapacity?: number; checkStart?: boolean } = {},
): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of CHECKED) {
    const skipStart = field === 'start' && opts.checkStart === false;
    const message = skipStart
      ? null
      : field === 'start'
        ? checkStart(d.start, d.timezone).error
        : checkField(field, d, opts);
    if (message) errors[field] = message;
  }
  return errors;
}

/** The POST /api/sessions body. Call after checkDraft found nothing. */
export function createBody(d: SessionDraft) {
  return {
    title: d.title.trim(),
    skill: d.skill.trim(),
    description: d.description,
    difficulty: d.difficulty,
    prerequisites: d.prerequisites.map((p) => p.trim()).filter(Boolean),
    startsAt: checkStart(d.start, d.timezone).iso,
    timezone: d.timezone,
    durationMinutes: Number(d.durationMinutes),
    capacity: Number(d.capacity),
    meetingUrl: d.meetingUrl.trim(),
    ...(d.repeatEvery ? { repeat: { every: d.repeatEvery, count: Number(d.repeatCount) } } : {}),
  };
}

/**
 * The PATCH body: only what changed. The API compares start times as text, so an unchanged start is
 * left out instead of being re-sent with another offset (which would count as a reschedule).
 */
export function changes(d: SessionDraft, s: Session): Record<string, unknown> {
  const body = createBody(d) as Record<string, unknown>;
  delete body.timezone; // a session keeps the zone it was planned in
  delete body.repeat;
  if (!startWillChange(d, s)) delete body.startsAt;
  const before: Record<string, unknown> = { ...s };
  for (const key of Object.keys(body)) {
    if (key !== 'startsAt' && JSON.stringify(body[key]) === JSON.stringify(before[key])) delete body[key];
  }
  return body;
}

export function startWillChange(d: SessionDraft, s: Session): boolean {
  return toWallTime(s.startsAt, d.timezone) !== d.start.slice(0, 16);
}

const PATH_TO_FIELD: Record<string, DraftField> = {
  title: 'title',
  skill: 'skill',
  description: 'description',
  difficulty: 'difficulty',
  prerequisites: 'prerequisites',
  startsAt: 'start',
  timezone: 'timezone',
  durationMinutes: 'durationMinutes',
  capacity: 'capacity',
  meetingUrl: 'meetingUrl',
  repeat: 'repeatCount',
};

/** Server `details` ([{path, message}]) on the form's fields; what fits no field comes back in `rest`. */
export function serverErrors(details: unknown): { fields: FieldErrors; rest: string[] } {
  const fields: FieldErrors = {};
  const rest: string[] = [];
  if (!Array.isArray(details)) return { fields, rest };
  for (const item of details as { path?: unknown; message?: unknown }[]) {
    const path = typeof item?.path === 'string' ? item.path : '';
    const message = typeof item?.message === 'string' ? item.message : 'is invalid';
    const field = PATH_TO_FIELD[path.split('.')[0] ?? ''];
    if (field && !fields[field]) fields[field] = `${LABELS[field]} ${message}.`;
    else if (!field) rest.push(path ? `${path}: ${message}` : message);
  }
  return { fields, rest };
}
