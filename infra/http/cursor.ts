import { z } from 'zod';
import { singleLine, timestampProblem } from './fields.ts';

// Keyset pagination: a cursor is the sort key of the last row of a page, base64url JSON, opaque to clients. It
// comes back from them, so it is checked against the shape of its sort key before any of it reaches SQL: the
// error handler answers a BadCursorError with 400 at `querystring.cursor`.

export type { Page } from './schemas.ts';

export class BadCursorError extends Error {
  constructor() {
    super('cursor is not valid');
  }
}

export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The sort key in `cursor`, checked against `shape` (a tuple of the key's parts); else BadCursorError. */
export function decodeCursor<T extends z.ZodType<readonly unknown[]>>(cursor: string, shape: T): z.output<T> {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError();
  }
  const parsed = shape.safeParse(values);
  if (!parsed.success) throw new BadCursorError();
  return parsed.data;
}

/**
 * A time as cursors carry it: UTC at microsecond precision, as PostgreSQL's to_char writes it (a JS Date keeps
 * milliseconds, and a cursor rounded so would sort before its own row). Passed on as written.
 */
export const cursorTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/)
  .refine((v) => {
    const t = new Date(v);
    // A real calendar date (Date rolls 2026-02-30 over into March), in the years PostgreSQL and Date share.
    return timestampProblem(v) === null && t.toISOString().slice(0, 19) === v.slice(0, 19);
  });

/** A route's `cursor` query parameter: what the decoder gets (it checks the rest). */
export const cursorParam = singleLine({ max: 500, trim: false });

/** The id that breaks ties between rows of one sort value. */
export const cursorId = singleLine({ min: 1, max: 100, trim: false });

/** The cursor of most lists: `[time, id]`. */
export const timeAndId = z.tuple([cursorTime, cursorId]);
