import type { AppendSignal } from './notifications.ts';
import type { Checkpoint, EventStore, StoredEvent } from './store.ts';

export type Subscription = { stop: () => Promise<void>; checkpoint: () => Checkpoint };

/**
 * Follows the whole log from `from`, calling `handle` once per event in order. For consumers that keep their own
 * position; projectors use the projection runner, which commits the checkpoint with the read-model change.
 */
export function subscribe(
  store: EventStore,
  signal: AppendSignal,
  from: Checkpoint,
  handle: (event: StoredEvent) => Promise<void> | void,
  options: { pollMs?: number; batchSize?: number } = {},
): Subscription {
  let checkpoint = from;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const batch = await store.readAll(checkpoint, { limit: options.batchSize ?? 500 });
      for (const event of batch.events) await handle(event);
      const moved = batch.checkpoint !== checkpoint;
      checkpoint = batch.checkpoint;
      if (!moved) await signal.wait(options.pollMs ?? 250);
    }
  })();
  return {
    checkpoint: () => checkpoint,
    stop: async () => {
      stopped = true;
      signal.poke();
      await loop;
    },
  };
}
