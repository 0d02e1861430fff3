import type { Platform } from '../platform.ts';

/**
 * Waits (at most `timeoutMs`) until every consumer, reactors included, has processed the whole log and the log
 * stopped growing: a reactor's consequences are events too, which the read models then project. Tests only.
 */
export async function untilCaughtUp(app: Pick<Platform, 'consumers' | 'store' | 'runner'>, timeoutMs = 5000) {
  const names = app.consumers.map((c) => c.name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { checkpoint, position } = await app.store.head();
    const caughtUp = await app.runner.waitFor(checkpoint, {
      names,
      timeoutMs: Math.max(1, deadline - Date.now()),
    });
    if (caughtUp && (await app.store.head()).position === position) return;
    if (Date.now() > deadline) throw new Error(`the consumers did not catch up within ${timeoutMs} ms`);
  }
}
