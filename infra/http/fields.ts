import { z } from 'zod';

// The one boundary for text and time: every string a route accepts goes through these schemas, so that nothing
// PostgreSQL cannot store (NUL, lone surrogates, out-of-range times) or a reader cannot trust (control characters)
// gets past the edge into an event, where a projector would fail on it again and again.

/** What a JSON schema `pattern` can say of single-line text: no control characters, no lone surrogates. */
const SINGLE_LINE_PATTERN =
  '^(?:[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*$';
/** The same, with tab, line feed and carriage return allowed. */
const MULTI_LINE_PATTERN =
  '^(?:[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*$';

export const TEXT_MESSAGES = {
  unicode: 'must be well-formed Unicode',
  control: 'must not contain control characters',
  singleLine: 'must be a single line (no tabs or line breaks)',
} as const;

/** Unicode's control characters (category Cc): C0, DEL and C1. */
const isControl = (c: number) => c < 0x20 || (c >= 0x7f && c <= 0x9f);
const isLineOrTab = (c: number) => c === 0x09 || c === 0x0a || c === 0x0d;

/** Why `text` is not acceptable text (null: it is). Tab and line breaks count only when `lines` is false. */
export function textProblem(text: string, lines: boolean): string | null {
  if (!text.isWellFormed()) return TEXT_MESSAGES.unicode;
  let lineOrTab = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isControl(c)) continue;
    if (!isLineOrTab(c)) return TEXT_MESSAGES.control;
    lineOrTab = true;
  }
  return lineOrTab && !lines ? TEXT_MESSAGES.singleLine : null;
}

type TextOptions = {
  /** Fewest characters (after trimming); 1 answers `empty`, more "must be at least N characters". */
  min?: number;
  max: number;
  /** Leading and trailing white space is dropped first (default true; passwords and ids keep theirs). */
  trim?: boolean;
  /** The reason for an empty value when `min` is 1 (default "must not be empty"). */
  empty?: string;
  /** For the OpenAPI document (a `.meta()` of its own would replace the pattern). */
  description?: string;
};

const typeError = (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : 'must be a string');

function text(options: TextOptions, lines: boolean) {
  let schema = z.string({ error: typeError });
  if (options.trim ?? true) schema = schema.trim();
  const min = options.min ?? 0;
  if (min === 1) schema = schema.min(1, { error: options.empty ?? 'must not be empty' });
  else if (min > 1) schema = schema.min(min, { error: `must be at least ${min} characters` });
  schema = schema.max(options.max, { error: `must be at most ${options.max} characters` });
  return schema
    .check((ctx) => {
      const problem = textProblem(ctx.value, lines);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    })
    .meta({
      pattern: lines ? MULTI_LINE_PATTERN : SINGLE_LINE_PATTERN,
      ...(options.description ? { description: options.description } : {}),
    });
}

/** A name, a title, a skill, a search: one line of text, without control characters. */
export const singleLine = (options: TextOptions) => text(options, false);

/** Prose (bios, descriptions, comments, reasons, notes, messages): tab and line breaks allowed. */
export const multiLine = (options: TextOptions) => text(options, true);

/** An opaque id in a path or a body: 1..100 characters of one line, kept as sent. */
export const id = (max = 100) => singleLine({ min: 1, max, trim: false });

/** `{ id }` as a route's `params`. */
export const idParam = z.object({ id: id() });

/** An https URL of one line. */
export const httpsUrl = (error = 'must be an https URL', max = 2000) =>
  singleLine({ max, trim: false })
    .pipe(z.url({ protocol: /^https$/, error }))
    .meta({ format: 'uri' });

// Timestamps: ISO 8601 with an offset, as API.md says, at an instant both PostgreSQL and JS Date hold. Years are
// checked in UTC: "0001-01-01T05:00:00+10:00" is in year 0, which PostgreSQL does not have.
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const OFFSET = /([+-])(\d\d):(\d\d)$/;

export const TIME_MESSAGES = {
  format: 'must be an ISO 8601 date-time with an offset',
  offset: 'offset must be within ±14:00',
  range: 'must be in the years 0001 to 9999 (UTC)',
} as const;

/** Why `value` is not an acceptable timestamp, once it has the ISO 8601 form (null: it is). */
export function timestampProblem(value: string): string | null {
  const offset = OFFSET.exec(value);
  if (offset?.[1] && Number(offset[2]) * 60 + Number(offset[3]) > 14 * 60) return TIME_MESSAGES.offset;
  const at = Date.parse(value);
  if (Number.isNaN(at) || at < EARLIEST || at > LATEST) return TIME_MESSAGES.range;
  return null;
}

/** For the OpenAPI document: the form, with the offset's range (the calendar and the years are checked too). */
const TIMESTAMP_PATTERN =
  '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-](?:(?:0\\d|1[0-3]):[0-5]\\d|14:00))$';

/** An ISO 8601 date-time with an offset within ±14:00, in the years 0001..9999; passed on as UTC ISO. */
export const timestamp = () =>
  z.iso
    .datetime({ offset: true, error: TIME_MESSAGES.format, abort: true })
    .check((ctx) => {
      const problem = timestampProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    })
    .meta({ pattern: TIMESTAMP_PATTERN })
    .transform((value) => new Date(value).toISOString());

/**
 * A request header kept with data (the user-agent of a sign-in session): cleaned rather than refused, since the
 * member did not write it. Control characters go, lone surrogates become U+FFFD, and it is cut to `max` without
 * splitting a surrogate pair.
 */
export function storedHeader(value: string | string[] | undefined, max: number): string | null {
  const raw = Array.isArray(value) ? value.join(', ') : value;
  if (raw === undefined) return null;
  let clean = '';
  for (const ch of raw.toWellFormed()) {
    if (isControl(ch.codePointAt(0)!)) continue;
    if (clean.length + ch.length > max) break;
    clean += ch;
  }
  return clean;
}
