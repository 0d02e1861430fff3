import { describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/index.ts';
import { ensureCheckpoints, projectBatch, type RebuildProgress, rebuildProjector } from './index.ts';
import { note, notes, projectionHarness } from './test-harness.ts';

const { db, noteCounts, startProcess, dump, fromLog, endOfLog, statusOf } = projectionHarness();

describe('rebuilding a projection', () => {
  it('rebuilds while reads and appends go on: reads never fail or go backwards; the result equals a replay', async () => {
    const { projector } = await noteCounts('rebuild_counts');
    // Given a projected read model over 3,000 events, kept current by a running process
    for (let s = 0; s < 30; s++) await db.store.append(`bulk-${s}`, 0, notes(100));
    const proc = await startProcess([projector], 200);
    expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 20_000 })).toBe(true);
    const oid = async () =>
      (await db.pool.query<{ oid: number }>(`SELECT 'rebuild_counts'::regclass::oid AS oid`)).rows[0]!.oid;
    const oidBefore = await oid();

    // When it is rebuilt while one loop reads the live table and another appends
    let done = false;
    const wentBack: string[] = [];
    const reader = (async () => {
      const last = new Map<string, number>();
      let reads = 0;
      for (; !done; reads++) {
        const rows = await dump('rebuild_counts');
        const now = new Map(rows.map((r) => [r.stream_id, r.count]));
        for (const [s, n] of last)
          if ((now.get(s) ?? 0) < n) wentBack.push(`${s}: ${n} -> ${now.get(s) ?? 0}`);
        for (const [s, n] of now) last.set(s, n);
      }
      return reads;
    })();
    const appender = (async () => {
      let n = 0;
      for (; !done; n++) await db.store.append(`live-${n % 5}`, 'any', [note()]);
      return n;
    })();
    const progress: RebuildProgress[] = [];
    await rebuildProjector(db.pool, db.store, projector, (p) => progress.push(p));
    done = true;
    const [reads, appends] = await Promise.all([reader, appender]);

    // Then the tables were swapped, in batches, while every read succeeded and no count ever went down
    expect(await oid()).not.toBe(oidBefore);
    expect(progress.length).toBeGreaterThan(2);
    expect(reads).toBeGreaterThan(5);
    expect(appends).toBeGreaterThan(0);
    expect(wentBack).toEqual([]);
    // And once the live runner caught up with the appends, the table is what a replay gives, with no lag
    expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    expect(await dump('rebuild_counts')).toEqual(await fromLog());
    const { projector: replay } = await noteCounts('replay_counts');
    await ensureCheckpoints(db.pool, [replay]);
    while (await projectBatch(db.pool, db.store, replay)) {}
    expect(await dump('replay_counts')).toEqual(await dump('rebuild_counts'));
    expect(await statusOf(projector)).toMatchObject({ lag: 0, status: 'running', rebuildPosition: null });
  });

  it('changes nothing when replayed twice', async () => {
    const { projector } = await noteCounts('twice_counts');
    const proc = await startProcess([projector], 500);
    expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 20_000 })).toBe(true);
    const live = await dump('twice_counts');
    const checkpoint = await statusOf(projector);
    await rebuildProjector(db.pool, db.store, projector);
    const first = await dump('twice_counts');
    await rebuildProjector(db.pool, db.store, projector);
    const second = await dump('twice_counts');
    expect(first).toEqual(live);
    expect(second).toEqual(live);
    expect(await statusOf(projector)).toEqual(checkpoint);
  });

  it('includes what the live runner projected between the end of the build and the swap', async () => {
    const { projector } = await noteCounts('window_counts');
    const proc = await startProcess([projector]);
    expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    // Given a rebuild that, right after its build found nothing more to read and before it swaps, lets a write
    // through that the live process projects (the process then goes away, so only the rebuild can carry it over)
    let paused = false;
    const pausing: EventStore = {
      ...db.store,
      readAll: async (after, options) => {
        const read = await db.store.readAll(after, options);
        if (!paused && read.checkpoint === after) {
          paused = true;
          const window = await db.store.append('window', 'any', [note(), note(), note()]);
          expect(await proc.runner.waitFor(window.checkpoint, { timeoutMs: 10_000 })).toBe(true);
          await proc.stop();
          expect((await dump('window_counts')).find((r) => r.stream_id === 'window')?.count).toBe(3);
        }
        return read;
      },
    };
    // When the rebuild swaps its tables in
    await rebuildProjector(db.pool, pausing, projector);
    // Then the swapped-in table has the write, and the checkpoint is past it: nothing went back, nothing is lost
    expect(paused).toBe(true);
    expect((await dump('window_counts')).find((r) => r.stream_id === 'window')?.count).toBe(3);
    expect(await statusOf(projector)).toMatchObject({ lag: 0, status: 'running' });
    expect(await dump('window_counts')).toEqual(await fromLog());
  });
});
