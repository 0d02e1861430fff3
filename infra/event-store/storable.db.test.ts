// append refuses text PostgreSQL cannot store (NUL, lone surrogates), wherever it sits in an event, before
// anything is written: such an event would stop every projector that reads it.
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, migrate, type Pool } from '../db/index.ts';
import { createTestDatabase } from '../testing/database.ts';
import {
  createCatalog,
  createEventStore,
  defineEvent,
  type EventStore,
  UnstorableEventError,
} from './index.ts';

const noteAdded = defineEvent(
  'NoteAdded',
  1,
  z.object({ text: z.string(), tags: z.array(z.object({ name: z.string() })).default([]) }),
);
const memberNamed = defineEvent(
  'MemberNamed',
  1,
  z.object({ memberId: z.string(), displayName: z.string() }),
  {},
  { personal: { subject: 'memberId', fields: { displayName: 'Deleted member' } } },
);

let pool: Pool;
let store: EventStore;

beforeAll(async () => {
  pool = createPool(await createTestDatabase());
  await migrate(pool);
  store = createEventStore(pool, createCatalog([noteAdded, memberNamed]));
  return () => pool.end();
});

const eventCount = async () => Number((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n);

async function expectRefused(
  append: () => Promise<unknown>,
  eventType: string,
  field: string,
  problem: RegExp,
) {
  const before = await eventCount();
  const error = await append().then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(UnstorableEventError);
  expect(error).toMatchObject({ eventType, field, problem: expect.stringMatching(problem) });
  expect((error as Error).message).toContain(eventType);
  expect((error as Error).message).toContain(field);
  expect(await eventCount()).toBe(before);
}

describe('append of data PostgreSQL cannot store', () => {
  it('refuses NUL in a string, naming the event type and the field, and appends nothing', async () => {
    await expectRefused(
      () => store.append('note-nul', 0, [{ type: 'NoteAdded', data: { text: 'a\u0000b' } }]),
      'NoteAdded',
      'data.text',
      /NUL/,
    );
    expect(await store.readStream('note-nul')).toEqual([]);
  });

  it('refuses a lone surrogate deep in nested arrays and objects', async () => {
    await expectRefused(
      () =>
        store.append('note-surrogate', 'any', [
          { type: 'NoteAdded', data: { text: 'fine', tags: [{ name: 'ok' }, { name: 'bad\ud800' }] } },
        ]),
      'NoteAdded',
      'data.tags.1.name',
      /well-formed Unicode/,
    );
    expect(await store.readStream('note-surrogate')).toEqual([]);
  });

  it('refuses it in a personal field, which is stored encrypted (a projector reads it in clear)', async () => {
    await expectRefused(
      () =>
        store.append('member-1', 0, [
          { type: 'MemberNamed', data: { memberId: 'm1', displayName: 'Ada\u0000' } },
        ]),
      'MemberNamed',
      'data.displayName',
      /NUL/,
    );
  });

  it('refuses it in metadata, of the call or of one event', async () => {
    await expectRefused(
      () =>
        store.append('note-meta', 0, [{ type: 'NoteAdded', data: { text: 'x' } }], {
          metadata: { requestId: 'r\u0000' },
        }),
      'NoteAdded',
      'metadata.requestId',
      /NUL/,
    );
    await expectRefused(
      () =>
        store.append('note-meta', 0, [
          { type: 'NoteAdded', data: { text: 'x' }, metadata: { actorId: '\udc00' } },
        ]),
      'NoteAdded',
      'metadata.actorId',
      /well-formed/,
    );
  });

  it('appends none of a batch when one event of it is refused', async () => {
    await expectRefused(
      () =>
        store.append('note-batch', 0, [
          { type: 'NoteAdded', data: { text: 'first' } },
          { type: 'NoteAdded', data: { text: 'second\u0000' } },
        ]),
      'NoteAdded',
      'data.text',
      /NUL/,
    );
    expect(await store.readStream('note-batch')).toEqual([]);
  });

  it('still appends text with control characters PostgreSQL can store, and emoji', async () => {
    await store.append('note-ok', 0, [{ type: 'NoteAdded', data: { text: 'tab\there 😀' } }]);
    expect((await store.readStream('note-ok')).map((e) => e.data)).toEqual([
      { text: 'tab\there 😀', tags: [] },
    ]);
  });
});
