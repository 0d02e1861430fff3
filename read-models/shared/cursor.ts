// Keyset pagination: a cursor is the sort key of the last row of a page, opaque to clients.
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The decoded sort key, or null for a cursor that was not ours (the caller answers 400). */
export function decodeCursor(cursor: string): unknown[] | null {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(values) ? values : null;
  } catch {
    return null;
  }
}

export type Page<T> = { items: T[]; nextCursor: string | null };
