import { describe, expect, it } from 'vitest';
import { listenForAppends } from '../event-store/index.ts';
import {
  createProjectionRunner,
  ensureCheckpoints,
  POISON_TRIES,
  type Projector,
  projectBatch,
  projectionStatus,
} from './index.ts';
import { note, notes, ping, projectionHarness } from './test-harness.ts';

const h = projectionHarness();
const { db, noteCounts, startProcess, dump, fromLog, endOfLog, noteAddedPositions, statusOf, until } = h;

describe('projection runner', () => {
  it('resumes from its checkpoint after a crash between append and projection, applying each event once', async () => {
    const { projector, probe } = await noteCounts('crash_counts');
    // Given events appended while no runner runs, among them events of a type the projector ignores
    for (const s of ['crash-a', 'crash-b', 'crash-c']) await db.store.append(s, 0, notes(10));
    await db.store.append('crash-ping', 0, [ping()]);
    // When a process starts, then it projects up to the end of the log
    const first = await startProcess([projector]);
    expect(await first.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    expect(await dump('crash_counts')).toEqual(await fromLog());

    // When it goes away, more events arrive, and another process starts
    await first.stop();
    for (const s of ['crash-a', 'crash-d']) await db.store.append(s, 'any', notes(5));
    const second = await startProcess([projector]);
    expect(await second.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);

    // Then the second continued from the checkpoint: every event was handled exactly once in all
    expect(await dump('crash_counts')).toEqual(await fromLog());
    expect(probe.handled.toSorted((a, b) => a - b)).toEqual(await noteAddedPositions());
    expect(await statusOf(projector)).toMatchObject({ lag: 0, status: 'running' });
  });

  it('rolls back a batch whose handler throws after writing, and the retry counts each event once', async () => {
    const { projector, probe } = await noteCounts('rollback_counts');
    const proc = await startProcess([projector]);
    expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    // Given a handler that fails once, after it has written a batch of 10 events
    let thrown = 0;
    probe.failWhen = (e) => e.streamId === 'rollback-1' && e.streamVersion === 6 && thrown++ === 0;
    // When the 10 events are appended in one transaction
    const appended = await db.store.append('rollback-1', 0, notes(10));
    // Then the retried batch leaves exactly 10, not 20
    expect(await proc.runner.waitFor(appended.checkpoint, { timeoutMs: 10_000 })).toBe(true);
    expect(thrown).toBe(2); // one failure, then the check on the retry
    expect((await dump('rollback_counts')).find((r) => r.stream_id === 'rollback-1')?.count).toBe(10);
    expect(probe.handled.toSorted((a, b) => a - b)).toEqual(await noteAddedPositions());
  });

  it("reports a failing handler as 'failing' with its error while it retries, and recovers without skipping", async () => {
    const { projector, probe } = await noteCounts('failing_counts');
    const proc = await startProcess([projector]);
    expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    // Given a handler that fails on an event twice (fewer times than would set it aside), then works
    let thrown = 0;
    probe.failWhen = (e) => e.streamId === 'flaky' && thrown++ < POISON_TRIES - 1;
    const flaky = await db.store.append('flaky', 0, [note()]);
    await db.store.append('after-flaky', 0, [note(), note()]);
    // Then the status says so meanwhile, with the checkpoint before the event
    await until(async () => (await statusOf(projector)).status === 'failing');
    const failing = await statusOf(projector);
    expect(failing.lastError).toMatch(/boom at position/);
    expect(failing.position).toBeLessThan(flaky.checkpoint.position);
    // And then it projects the event and what follows, reports running again, and has set nothing aside
    expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    expect(await statusOf(projector)).toMatchObject({
      status: 'running',
      lastError: null,
      lag: 0,
      setAside: 0,
    });
    expect(await dump('failing_counts')).toEqual(await fromLog());
  });

  it('runs a projector in one process at a time; another takes over when the owner stops', async () => {
    const { projector, probe } = await noteCounts('shared_counts');
    const handledBy = { a: 0, b: 0 };
    const counted = (proc: 'a' | 'b'): Projector => ({
      ...projector,
      handle: async (c, events) => {
        await projector.handle(c, events);
        handledBy[proc] += events.length;
      },
    });
    // Given two processes running the same projector
    const a = await startProcess([counted('a')]);
    const b = await startProcess([counted('b')]);
    expect([...a.runner.ownedNames(), ...b.runner.ownedNames()]).toEqual(['shared_counts']);
    const [owner, other, otherName] = a.runner.ownedNames().length
      ? [a, b, 'b' as const]
      : [b, a, 'a' as const];
    // When eight writers append at once
    const write = (prefix: string) =>
      Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 15; i++) await db.store.append(`${prefix}-${w}`, i, [note()]);
        }),
      );
    await write('shared');
    // Then the counts are exact and only the owner did the work
    expect(await other.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    expect(await dump('shared_counts')).toEqual(await fromLog());
    expect(handledBy[otherName]).toBe(0);

    // When the owner stops and writers go on, then the other process takes over within seconds and catches up
    const stoppedAt = Date.now();
    await owner.stop();
    await write('after-takeover');
    await until(() => other.runner.ownedNames().includes('shared_counts'));
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
    expect(await other.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    expect(handledBy[otherName]).toBeGreaterThan(0);
    expect(await dump('shared_counts')).toEqual(await fromLog());
    expect(probe.handled.toSorted((x, y) => x - y)).toEqual(await noteAddedPositions());
  });

  it('applies each event once even when batches are run concurrently without the advisory lock', async () => {
    const { projector } = await noteCounts('racing_counts');
    await ensureCheckpoints(db.pool, [projector]);
    // When four callers race projectBatch until each finds nothing left
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (await projectBatch(db.pool, db.store, projector, 7)) {}
      }),
    );
    // Then the row lock on the checkpoint serialised them: the counts are exact
    expect(await dump('racing_counts')).toEqual(await fromLog());
  });

  it('waitFor is true once the projector passed an append, false on time when no runner runs', async () => {
    const { projector } = await noteCounts('wait_counts');
    const proc = await startProcess([projector]);
    // Given a running projector, when a fresh append is awaited, then the read model shows it right away
    const appended = await db.store.append('wait-1', 0, [note()]);
    expect(await proc.runner.waitFor(appended.checkpoint, { timeoutMs: 10_000 })).toBe(true);
    expect((await dump('wait_counts')).find((r) => r.stream_id === 'wait-1')?.count).toBe(1);
    // And an event of a type it does not handle is passed too
    const pinged = await db.store.append('wait-ping', 0, [ping()]);
    expect(await proc.runner.waitFor(pinged.checkpoint, { timeoutMs: 10_000 })).toBe(true);

    // Given no process runs it, when an append is awaited for 300 ms, then waitFor answers false on time
    await proc.stop();
    const idle = await listenForAppends(db.url);
    const notStarted = createProjectionRunner({ ...db, signal: idle, consumers: [projector], log: h.log });
    const late = await db.store.append('wait-1', 1, [note()]);
    const startedAt = Date.now();
    expect(await notStarted.waitFor(late.checkpoint, { timeoutMs: 300 })).toBe(false);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(Date.now() - startedAt).toBeLessThan(1500);
    await idle.close();
    expect((await dump('wait_counts')).find((r) => r.stream_id === 'wait-1')?.count).toBe(1);
  });

  it('reports position, head and lag', async () => {
    const { projector } = await noteCounts('status_counts');
    await ensureCheckpoints(db.pool, [projector]);
    const total = (await db.pool.query<{ n: number }>('SELECT count(*) AS n FROM events')).rows[0]!.n;
    const head = (await db.store.head()).position;
    // Given a projector that has processed nothing: everything is lag
    expect(await statusOf(projector)).toMatchObject({
      position: 0,
      headPosition: head,
      lag: total,
      status: 'running',
    });
    // When it catches up, then its position is the last event in log order (the highest position only if the
    // last transactions committed in position order) and nothing is lag
    while (await projectBatch(db.pool, db.store, projector)) {}
    const caughtUp = (await endOfLog()).position;
    expect(await statusOf(projector)).toMatchObject({ position: caughtUp, headPosition: head, lag: 0 });
    // When five events arrive (two of a type it ignores), then they are lag until processed
    const added = await db.store.append('status-1', 0, [note(), note(), note()]);
    const pinged = await db.store.append('status-ping', 0, [ping(), ping()]);
    expect(await statusOf(projector)).toMatchObject({
      position: caughtUp,
      headPosition: pinged.checkpoint.position,
      lag: 5,
    });
    await projectBatch(db.pool, db.store, projector, 2);
    expect(await statusOf(projector)).toMatchObject({ position: added.events[1]!.globalPosition, lag: 3 });
    while (await projectBatch(db.pool, db.store, projector)) {}
    expect(await statusOf(projector)).toMatchObject({ position: pinged.checkpoint.position, lag: 0 });
    // And a consumer without a checkpoint row is reported as stopped
    expect((await projectionStatus(db.pool, [{ ...projector, name: 'never-started' }]))[0]!.status).toBe(
      'stopped',
    );
  });
});
