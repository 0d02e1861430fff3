import type { StoredEvent } from '../../infra/event-store/index.ts';

/**
 * Splits a batch into runs of consecutive events of one group and single events in between, and hands them over
 * in log order. A projector writes a run with a few set-based statements instead of a few per event (a rebuild or
 * a busy minute is thousands of events: one round trip each was most of the time); it keeps the result identical
 * by grouping only event types whose effects it can fold in memory exactly. `groups` names each event type's
 * group (a set: one group); a type without one is handled on its own.
 */
export async function inRuns(
  events: StoredEvent[],
  groups: ReadonlySet<string> | Readonly<Record<string, string>>,
  run: (events: StoredEvent[], group: string) => Promise<void>,
  one: (event: StoredEvent) => Promise<void>,
): Promise<void> {
  const groupOf = (type: string): string | undefined => {
    if (groups instanceof Set) return groups.has(type) ? 'run' : undefined;
    const named = groups as Readonly<Record<string, string>>;
    return Object.hasOwn(named, type) ? named[type] : undefined;
  };
  let pending: StoredEvent[] = [];
  let current: string | undefined;
  for (const event of events) {
    const group = groupOf(event.type);
    if (pending.length > 0 && group !== current) {
      await run(pending, current!);
      pending = [];
    }
    current = group;
    if (group === undefined) await one(event);
    else pending.push(event);
  }
  if (pending.length > 0) await run(pending, current!);
}
