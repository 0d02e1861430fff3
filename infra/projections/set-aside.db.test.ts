import { describe, expect, it } from 'vitest';
import { createPool } from '../db/index.ts';
import type { EventStore } from '../event-store/index.ts';
import {
  defineReactor,
  listSetAside,
  projectionStatus,
  type ReactorContext,
  rebuildProjector,
  retrySetAside,
} from './index.ts';
import { note, notes, ping, projectionHarness } from './test-harness.ts';

const h = projectionHarness();
const { db, noteCounts, startProcess, dump, fromLog, endOfLog, noteAddedPositions, statusOf, until } = h;

/** What a running server's read-your-writes wait allows by default (READ_YOUR_WRITES_TIMEOUT_MS). */
const READ_YOUR_WRITES_MS = 3000;

describe('an event a consumer cannot apply', () => {
  it('is set aside after a few tries: the projector goes on past it, shows it, and applies it on retry once fixed', async () => {
    const { projector, probe } = await noteCounts('poison_counts');
    const proc = await startProcess([projector], 50);
    await db.store.append('before', 0, notes(30));
    expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);

    // Given a projector that throws on one event (a bug), in the middle of a batch of others
    probe.failWhen = (e) => e.streamId === 'poison';
    await db.store.append('neighbour-a', 0, notes(7));
    const started = Date.now();
    const poison = await db.store.append('poison', 0, [note('bad')]);
    await db.store.append('neighbour-b', 0, notes(5));

    // Then the command that wrote it is answered within the read-your-writes wait: the projector passed it
    expect(await proc.runner.waitFor(poison.checkpoint, { timeoutMs: 10_000 })).toBe(true);
    expect(Date.now() - started).toBeLessThan(READ_YOUR_WRITES_MS);
    // And the events after it are projected, every one once, the bad one not at all
    const later = await db.store.append('after', 0, notes(3));
    expect(await proc.runner.waitFor(later.checkpoint, { timeoutMs: 10_000 })).toBe(true);
    const rows = await dump('poison_counts');
    expect(rows).toEqual((await fromLog()).filter((r) => r.stream_id !== 'poison'));
    expect(rows.find((r) => r.stream_id === 'after')).toEqual({ stream_id: 'after', count: 3 });

    // And it is listed with its error, its place in the log and the tries it got
    const [entry, ...more] = await listSetAside(db.pool, [projector.name]);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      projector: 'poison_counts',
      globalPosition: poison.checkpoint.position,
      streamId: 'poison',
      streamVersion: 1,
      type: 'NoteAdded',
      error: `boom at position ${poison.checkpoint.position}`,
    });
    expect(entry!.tries).toBeGreaterThanOrEqual(3);
    expect(await statusOf(projector)).toMatchObject({
      status: 'running',
      lastError: null,
      lag: 0,
      setAside: 1,
    });

    // When retried while the bug is still there, it stays, one try more
    const again = await retrySetAside(db.pool, db.store, projector);
    expect(again.applied).toEqual([]);
    expect(again.failing).toMatchObject([
      { globalPosition: poison.checkpoint.position, tries: entry!.tries + 1 },
    ]);
    expect((await listSetAside(db.pool, [projector.name]))[0]?.tries).toBe(entry!.tries + 1);

    // When the projector is fixed and the event retried, then it is applied and leaves the list
    probe.failWhen = null;
    const fixed = await retrySetAside(db.pool, db.store, projector);
    expect(fixed.applied.map((e) => e.globalPosition)).toEqual([poison.checkpoint.position]);
    expect(fixed.failing).toEqual([]);
    expect(await listSetAside(db.pool, [projector.name])).toEqual([]);
    expect(await dump('poison_counts')).toEqual(await fromLog());
    expect(await statusOf(projector)).toMatchObject({ setAside: 0, lag: 0 });
  });

  it('a reactor the same: its reaction to the bad event is not appended, those to the others are, once', async () => {
    const poisoned = { on: true };
    const reactor = defineReactor<{ type: 'NoteAdded'; data: { text: string } }>({
      name: 'pinging_reactor',
      on: {
        NoteAdded: async (client, run, { store }) => {
          for (const e of run) {
            if (poisoned.on && e.data.text === 'poison') throw new Error(`cannot react to ${e.streamId}`);
            await store.append(`pinged-${e.streamId}-${e.streamVersion}`, 0, [ping()], { client });
          }
        },
      },
    });
    const context = (store: EventStore, pool: ReturnType<typeof createPool>) =>
      ({ store, pool, log: h.log }) as unknown as ReactorContext;
    const proc = await startProcess([reactor], 20, db.url, context);
    // Given a reactor that throws on one event among a batch of others
    await db.store.append('react-a', 0, notes(4));
    const bad = await db.store.append('react-bad', 0, [note('poison')]);
    const last = await db.store.append('react-b', 0, notes(2));
    // Then it sets that event aside and reacts to the rest, each once
    expect(
      await proc.runner.waitFor(last.checkpoint, { names: ['pinging_reactor'], timeoutMs: 10_000 }),
    ).toBe(true);
    const reactions = async () =>
      (
        await db.pool.query<{ stream_id: string }>(
          `SELECT stream_id FROM events WHERE stream_id LIKE 'pinged-react-%' ORDER BY stream_id`,
        )
      ).rows.map((r) => r.stream_id);
    expect(await reactions()).toEqual([
      'pinged-react-a-1',
      'pinged-react-a-2',
      'pinged-react-a-3',
      'pinged-react-a-4',
      'pinged-react-b-1',
      'pinged-react-b-2',
    ]);
    expect(await listSetAside(db.pool, ['pinging_reactor'])).toMatchObject([
      { globalPosition: bad.checkpoint.position, error: 'cannot react to react-bad' },
    ]);
    expect((await projectionStatus(db.pool, [reactor]))[0]).toMatchObject({ setAside: 1, status: 'running' });
    // When fixed and retried (the running process's own reactor context), then its reaction is appended once
    poisoned.on = false;
    const outcome = await retrySetAside(db.pool, db.store, reactor, context(db.store, db.pool));
    expect(outcome.applied).toHaveLength(1);
    expect(await reactions()).toContain('pinged-react-bad-1');
    expect(await listSetAside(db.pool, ['pinging_reactor'])).toEqual([]);
  });

  it('never sets aside for want of the database: connections terminated during batches only delay it', async () => {
    const { projector, probe } = await noteCounts('outage_poison_counts');
    let terminations = 0;
    const killer = createPool(db.url, { max: 1 });
    const cut: typeof projector = {
      ...projector,
      handle: async (client, events) => {
        // More cuts in a row than the tries an event gets before it is set aside
        if (terminations < 6 && events.some((e) => e.streamId === 'cut')) {
          terminations++;
          const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        }
        await projector.handle(client, events);
      },
    };
    try {
      const proc = await startProcess([cut], 20);
      await db.store.append('cut', 0, notes(5));
      const last = await db.store.append('cut-after', 0, notes(2));
      expect(await proc.runner.waitFor(last.checkpoint, { timeoutMs: 20_000 })).toBe(true);
      expect(terminations).toBe(6);
      expect(await listSetAside(db.pool, [projector.name])).toEqual([]);
      expect(await dump('outage_poison_counts')).toEqual(await fromLog());
      expect(probe.handled.toSorted((a, b) => a - b)).toEqual(await noteAddedPositions());
      expect(await statusOf(projector)).toMatchObject({ status: 'running', lastError: null, setAside: 0 });
    } finally {
      await killer.end();
    }
  });

  it('a rebuild sets aside what the projector cannot apply too, and its list replaces the one before', async () => {
    const { projector, probe } = await noteCounts('rebuilt_poison_counts');
    probe.failWhen = (e) => e.streamId === 'rebuild-poison';
    const proc = await startProcess([projector], 50);
    await db.store.append('rebuild-poison', 0, [note()]);
    const last = await db.store.append('rebuild-after', 0, notes(3));
    expect(await proc.runner.waitFor(last.checkpoint, { timeoutMs: 10_000 })).toBe(true);
    const [live] = await listSetAside(db.pool, [projector.name]);
    expect(live).toMatchObject({ streamId: 'rebuild-poison' });
    const withoutPoison = (await fromLog()).filter((r) => r.stream_id !== 'rebuild-poison');

    // When it is rebuilt with the bug still there, then the rebuild completes, without the event, which stays set
    // aside (one try more)
    await rebuildProjector(db.pool, db.store, projector);
    expect(await dump('rebuilt_poison_counts')).toEqual(withoutPoison);
    expect(await listSetAside(db.pool, [projector.name])).toMatchObject([
      { globalPosition: live!.globalPosition, tries: live!.tries + 1 },
    ]);
    expect(await statusOf(projector)).toMatchObject({ status: 'running', rebuildError: null, setAside: 1 });

    // When it is rebuilt after the fix, then the event is in, and nothing is set aside
    probe.failWhen = null;
    await rebuildProjector(db.pool, db.store, projector);
    expect(await dump('rebuilt_poison_counts')).toEqual(await fromLog());
    expect(await listSetAside(db.pool, [projector.name])).toEqual([]);
  });

  // Last: the undecodable event it writes stays in this file's log, and every later projector would set it aside.
  it('sets aside an old event whose data no longer decodes, and holds no other projector back', async () => {
    const { projector: strict } = await noteCounts('strict_counts');
    const { projector: other, probe: otherProbe } = await noteCounts('other_counts');
    const proc = await startProcess([strict, other], 50);
    // Given an event in the log whose data its schema refuses (written before the schema changed, say)
    await db.store.append('old-a', 0, notes(2));
    await db.pool.query(
      `SELECT append_events('old-shape', 0, ARRAY['NoteAdded'], ARRAY[1], ARRAY['{"text": 5}'::jsonb],
                            ARRAY['{}'::jsonb])`,
    );
    const after = await db.store.append('old-b', 0, notes(2));
    // Then both projectors pass it: the read of the batch fails, so each sets it aside
    expect(await proc.runner.waitFor(after.checkpoint, { timeoutMs: 10_000 })).toBe(true);
    expect((await dump('strict_counts')).find((r) => r.stream_id === 'old-b')?.count).toBe(2);
    expect((await dump('other_counts')).find((r) => r.stream_id === 'old-b')?.count).toBe(2);
    const setAside = await listSetAside(db.pool, [strict.name, other.name]);
    expect(setAside.map((e) => [e.projector, e.streamId])).toEqual([
      ['other_counts', 'old-shape'],
      ['strict_counts', 'old-shape'],
    ]);
    expect(setAside[0]!.error).toContain('NoteAdded v1 does not match its schema: text:');
    // And a poison event of one projector alone never delays the other
    otherProbe.failWhen = null;
    const { projector: slow, probe: slowProbe } = await noteCounts('slow_counts');
    slowProbe.failWhen = (e) => e.streamId === 'only-slow';
    await proc.stop();
    const two = await startProcess([slow, other], 50);
    expect(await two.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);
    const startedAt = Date.now();
    const bad = await db.store.append('only-slow', 0, [note()]);
    expect(await two.runner.waitFor(bad.checkpoint, { names: ['other_counts'], timeoutMs: 10_000 })).toBe(
      true,
    );
    expect(Date.now() - startedAt).toBeLessThan(500);
    await until(async () => (await statusOf(slow)).setAside === 1);
  });
});
