import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, migrate, type Pool } from '../db/index.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createCatalog, createEventStore, defineEvent, type EventStore, START } from './index.ts';

// The same event type as three releases of the app define it.
const v1Schema = z.object({ memberId: z.string(), name: z.string() });
const v2Schema = z.object({ memberId: z.string(), firstName: z.string(), lastName: z.string() });
const v3Schema = v2Schema.extend({ timezone: z.string() });

const splitName = (data: unknown) => {
  const { name, ...rest } = data as z.infer<typeof v1Schema>;
  const [firstName = '', ...others] = name.split(' ');
  return { ...rest, firstName, lastName: others.join(' ') };
};
const addTimezone = (data: unknown) => ({ ...(data as object), timezone: 'UTC' });

const registeredV1 = defineEvent('MemberRegistered', 1, v1Schema);
const registeredV2 = defineEvent('MemberRegistered', 2, v2Schema, { 1: splitName });
const registeredV3 = defineEvent('MemberRegistered', 3, v3Schema, { 1: splitName, 2: addTimezone });

let pool: Pool;
let release1: EventStore; // the app as it was when v1 events were written
let release2: EventStore;
let release3: EventStore;

beforeAll(async () => {
  pool = createPool(await createTestDatabase());
  await migrate(pool);
  release1 = createEventStore(pool, createCatalog([registeredV1]));
  release2 = createEventStore(pool, createCatalog([registeredV2]));
  release3 = createEventStore(pool, createCatalog([registeredV3]));
  return () => pool.end();
});

const storedRows = async (streamId: string) =>
  (
    await pool.query<{ schema_version: number; data: unknown }>(
      'SELECT schema_version, data FROM events WHERE stream_id = $1 ORDER BY stream_version',
      [streamId],
    )
  ).rows;

describe('reading old events through newer definitions', () => {
  it('reads a stored v1 event as v2 through the upcaster, and never rewrites the stored row', async () => {
    // Given an event appended by release 1, stored as version 1
    await release1.append('member-ada', 0, [
      { type: 'MemberRegistered', data: { memberId: 'ada', name: 'Ada King Lovelace' } },
    ]);
    expect(await storedRows('member-ada')).toEqual([
      { schema_version: 1, data: { memberId: 'ada', name: 'Ada King Lovelace' } },
    ]);

    // When release 2 reads it, by stream and from the whole log
    const [fromStream] = await release2.readStream('member-ada');
    const fromLog = (await release2.readAll(START, { limit: 100 })).events.find(
      (e) => e.streamId === 'member-ada',
    );

    // Then both see the current shape and version
    const expected = { memberId: 'ada', firstName: 'Ada', lastName: 'King Lovelace' };
    expect(fromStream).toMatchObject({ type: 'MemberRegistered', schemaVersion: 2, data: expected });
    expect(fromLog).toMatchObject({ schemaVersion: 2, data: expected });
    // And the stored row is untouched
    expect(await storedRows('member-ada')).toEqual([
      { schema_version: 1, data: { memberId: 'ada', name: 'Ada King Lovelace' } },
    ]);
  });

  it('stores new appends at the current version and reads a mixed stream uniformly', async () => {
    // Given a stream written by release 1 and continued by release 2
    await release1.append('member-alan', 0, [
      { type: 'MemberRegistered', data: { memberId: 'alan', name: 'Alan Turing' } },
    ]);
    await release2.append('member-alan', 1, [
      { type: 'MemberRegistered', data: { memberId: 'alan', firstName: 'Alan M.', lastName: 'Turing' } },
    ]);
    expect((await storedRows('member-alan')).map((r) => r.schema_version)).toEqual([1, 2]);

    // When release 2 reads it, then every event has the v2 shape
    expect((await release2.readStream('member-alan')).map((e) => [e.schemaVersion, e.data])).toEqual([
      [2, { memberId: 'alan', firstName: 'Alan', lastName: 'Turing' }],
      [2, { memberId: 'alan', firstName: 'Alan M.', lastName: 'Turing' }],
    ]);
  });

  it('chains upcasters: v1 goes through 1->2 and 2->3, v2 only through 2->3, v3 through none', async () => {
    // Given a stream with one event from each release
    await release1.append('member-edsger', 0, [
      { type: 'MemberRegistered', data: { memberId: 'edsger', name: 'Edsger Dijkstra' } },
    ]);
    await release2.append('member-edsger', 1, [
      { type: 'MemberRegistered', data: { memberId: 'edsger', firstName: 'E. W.', lastName: 'Dijkstra' } },
    ]);
    await release3.append('member-edsger', 2, [
      {
        type: 'MemberRegistered',
        data: { memberId: 'edsger', firstName: 'Edsger', lastName: 'Dijkstra', timezone: 'Europe/Amsterdam' },
      },
    ]);
    // When release 3 reads it, then each event was lifted step by step from its own version
    expect((await release3.readStream('member-edsger')).map((e) => [e.schemaVersion, e.data])).toEqual([
      [3, { memberId: 'edsger', firstName: 'Edsger', lastName: 'Dijkstra', timezone: 'UTC' }],
      [3, { memberId: 'edsger', firstName: 'E. W.', lastName: 'Dijkstra', timezone: 'UTC' }],
      [3, { memberId: 'edsger', firstName: 'Edsger', lastName: 'Dijkstra', timezone: 'Europe/Amsterdam' }],
    ]);
  });

  it('refuses to append data of an older version under a newer definition', async () => {
    await expect(
      release2.append('member-grace', 0, [
        { type: 'MemberRegistered', data: { memberId: 'grace', name: 'Grace' } },
      ]),
    ).rejects.toThrow();
    expect(await storedRows('member-grace')).toEqual([]);
  });

  it('fails the read loudly when an upcaster produces data the current schema refuses', async () => {
    // Given a release whose upcaster forgets a required field
    const broken = defineEvent('MemberRegistered', 2, v2Schema, {
      1: (d) => ({ ...(d as object), firstName: 'x' }),
    });
    const store = createEventStore(pool, createCatalog([broken]));
    await release1.append('member-barbara', 0, [
      { type: 'MemberRegistered', data: { memberId: 'barbara', name: 'Barbara Liskov' } },
    ]);
    // When it reads a v1 event, then it throws instead of handing out an event without lastName
    await expect(store.readStream('member-barbara')).rejects.toThrow(/lastName/);
  });
});

describe('defining event versions', () => {
  it('refuses a v2 definition without an upcaster from v1', () => {
    expect(() => defineEvent('MemberRegistered', 2, v2Schema)).toThrow(
      /MemberRegistered v2 needs an upcaster from v1/,
    );
  });

  it('refuses a v3 definition that lacks any one step of the chain', () => {
    expect(() => defineEvent('MemberRegistered', 3, v3Schema, { 2: addTimezone })).toThrow(
      /upcaster from v1/,
    );
    expect(() => defineEvent('MemberRegistered', 3, v3Schema, { 1: splitName })).toThrow(/upcaster from v2/);
  });

  it('accepts a v1 definition without upcasters and a catalog refuses the same type twice', () => {
    expect(defineEvent('MemberRegistered', 1, v1Schema).version).toBe(1);
    expect(() => createCatalog([registeredV1, registeredV2])).toThrow(/defined twice/);
  });
});
