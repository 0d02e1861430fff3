// The last line of defence behind the HTTP boundary (infra/http/fields.ts): text PostgreSQL cannot hold must not
// become an event. Once appended, a projector would fail on it at every retry (`invalid byte sequence for encoding
// UTF8: 0x00`) and every read model behind it would stop. So `append` refuses it before anything is written.

/** An event whose data or metadata holds text PostgreSQL cannot store; nothing of the append was written. */
export class UnstorableEventError extends Error {
  readonly eventType: string;
  /** Where in the event: `data.bio`, `data.skills.1`, `metadata.requestId`, or `streamId`. */
  readonly field: string;
  readonly problem: string;
  constructor(eventType: string, field: string, problem: string) {
    super(`event ${eventType}: ${field} ${problem}`);
    this.eventType = eventType;
    this.field = field;
    this.problem = problem;
  }
}

function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains NUL, which PostgreSQL cannot store';
  if (!s.isWellFormed())
    return 'is not well-formed Unicode (a lone surrogate), which PostgreSQL cannot store';
  return null;
}

/** The first place in `value` (strings, object keys, nested arrays and objects) that PostgreSQL cannot store. */
export function unstorable(value: unknown, path: string): { field: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem ? { field: path, problem } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const keyProblem = stringProblem(key);
    if (keyProblem)
      return { field: `${path}.${key.toWellFormed().replaceAll('\u0000', '\\0')}`, problem: keyProblem };
    const found = unstorable(child, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/** Throws UnstorableEventError for the first event (or the stream id) holding text PostgreSQL cannot store. */
export function assertStorable(
  streamId: string,
  events: { type: string; data: unknown; metadata?: unknown }[],
  metadata: unknown,
): void {
  for (const event of events) {
    const found =
      unstorable(streamId, 'streamId') ??
      unstorable(event.data, 'data') ??
      unstorable(event.metadata, 'metadata') ??
      unstorable(metadata, 'metadata');
    if (found) throw new UnstorableEventError(event.type, found.field, found.problem);
  }
}
