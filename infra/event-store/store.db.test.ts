import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, migrate, type Pool } from '../db/index.ts';
import { createTestDatabase } from '../testing/database.ts';
import { ConcurrencyError, createCatalog, createEventStore, defineEvent, type EventStore } from './index.ts';

const noteAdded = defineEvent('NoteAdded', 1, z.object({ text: z.string() }));

let pool: Pool;
let store: EventStore;

beforeAll(async () => {
  pool = createPool(await createTestDatabase());
  await migrate(pool);
  store = createEventStore(pool, createCatalog([noteAdded]));
  return () => pool.end();
});

describe('event store', () => {
  it('appends to a new stream and reads it back with its metadata', async () => {
    const result = await store.append('note-1', 0, [{ type: 'NoteAdded', data: { text: 'hello' } }], {
      metadata: { actorId: 'u1', correlationId: 'c1', causationId: 'c1', requestId: 'r1' },
    });
    expect(result.nextExpectedVersion).toBe(1);
    const [event] = await store.readStream('note-1');
    expect(event).toMatchObject({
      streamId: 'note-1',
      streamVersion: 1,
      type: 'NoteAdded',
      schemaVersion: 1,
      data: { text: 'hello' },
      metadata: { actorId: 'u1', correlationId: 'c1', causationId: 'c1', requestId: 'r1' },
    });
    expect(event!.globalPosition).toBeGreaterThan(0);
    expect(event!.recordedAt).toBeInstanceOf(Date);
  });

  it('refuses a stale expected version with a ConcurrencyError and writes nothing', async () => {
    await store.append('note-2', 0, [{ type: 'NoteAdded', data: { text: 'a' } }]);
    await store.append('note-2', 1, [{ type: 'NoteAdded', data: { text: 'b' } }]);
    await expect(
      store.append('note-2', 1, [{ type: 'NoteAdded', data: { text: 'stale' } }]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(
      store.append('note-2', 0, [{ type: 'NoteAdded', data: { text: 'again' } }]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(
      store.append('note-2', 7, [{ type: 'NoteAdded', data: { text: 'ahead' } }]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream('note-2')).map((e) => e.data)).toEqual([{ text: 'a' }, { text: 'b' }]);
  });

  it('appends several events atomically, in order', async () => {
    const r = await store.append('note-3', 'any', [
      { type: 'NoteAdded', data: { text: '1' } },
      { type: 'NoteAdded', data: { text: '2' } },
      { type: 'NoteAdded', data: { text: '3' } },
    ]);
    expect(r.events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(r.nextExpectedVersion).toBe(3);
  });

  it('rejects data that does not match the event schema', async () => {
    await expect(store.append('note-4', 0, [{ type: 'NoteAdded', data: { text: 42 } }])).rejects.toThrow();
    expect(await store.readStream('note-4')).toEqual([]);
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE on events', async () => {
    await store.append('note-5', 0, [{ type: 'NoteAdded', data: { text: 'keep me' } }]);
    await expect(
      pool.query(`UPDATE events SET data = '{"text":"changed"}' WHERE stream_id = 'note-5'`),
    ).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM events WHERE stream_id = 'note-5'`)).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE events')).rejects.toThrow(/append-only/);
    expect((await store.readStream('note-5'))[0]!.data).toEqual({ text: 'keep me' });
  });

  it('reads the whole log by global position after a checkpoint', async () => {
    const first = await store.readAll({ transactionId: '0', position: 0 }, { limit: 2 });
    expect(first.events).toHaveLength(2);
    const rest = await store.readAll(first.checkpoint, { limit: 1000 });
    const all = [...first.events, ...rest.events];
    const positions = all.map((e) => e.globalPosition);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
  });
});
