import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, migrate, type Pool } from '../../infra/db/index.ts';
import {
  createCatalog,
  createEventStore,
  defineEvent,
  type EventStore,
  listenForAppends,
} from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import type { AppDefinition } from '../../infra/platform.ts';
import { createProjectionRunner, listSetAside, type Projector } from '../../infra/projections/index.ts';
import { createTestDatabase, testConfig } from '../../infra/testing/database.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';
import { projections } from './projections.ts';

// `projections status / retry / rebuild` when things go wrong: a projector with a bug (it throws on one author
// until `bug.on` is cleared) and one whose table is missing (every rebuild of it fails).
const noteAdded = defineEvent('FaultNoteAdded', 1, z.object({ author: z.string() }));
const bug = { on: true };

const noteCounts: Projector = {
  name: 'fault_note_counts',
  kind: 'read-model',
  tables: ['fault_note_counts'],
  eventTypes: ['FaultNoteAdded'],
  handle: async (client, events) => {
    for (const e of events) {
      const { author } = e.data as { author: string };
      if (bug.on && author === 'mallory') throw new Error(`cannot count notes by ${author}`);
      await client.query(
        `INSERT INTO fault_note_counts (author, notes) VALUES ($1, 1)
           ON CONFLICT (author) DO UPDATE SET notes = fault_note_counts.notes + 1`,
        [author],
      );
    }
  },
};
const broken: Projector = {
  name: 'fault_broken',
  kind: 'read-model',
  tables: ['fault_table_nobody_created'],
  eventTypes: ['FaultNoteAdded'],
  handle: async () => {},
};
const app: AppDefinition = {
  modules: [{ name: 'notes', events: [noteAdded] }],
  readModels: [noteCounts, broken],
  authenticate: () => async () => null,
};

let url: string;
let pool: Pool;
let store: EventStore;

beforeAll(async () => {
  url = await createTestDatabase();
  pool = createPool(url);
  await migrate(pool);
  await pool.query('CREATE TABLE fault_note_counts (author text PRIMARY KEY, notes integer NOT NULL)');
  store = createEventStore(pool, createCatalog([noteAdded]));
  for (const [i, author] of ['ada', 'mallory', 'grace', 'ada'].entries()) {
    await store.append(`note-${i}`, 0, [{ type: 'FaultNoteAdded', data: { author } }]);
  }
});
afterAll(() => pool.end());

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: new PassThrough() };
  const code = await runAdmin(argv, {
    groups: [projections],
    app,
    io,
    connect: () => connectAdmin(testConfig(url), app, io.err),
  });
  return { code, out, err: err.join('\n') };
}

const counts = async () =>
  (await pool.query('SELECT author, notes FROM fault_note_counts ORDER BY author')).rows;

/** Runs the note counter as a server would until it has set `mallory`'s note aside. */
async function runUntilSetAside() {
  const signal = await listenForAppends(url);
  const runner = createProjectionRunner({
    ...{ pool, url, store, signal, consumers: [noteCounts] },
    ...{ log: createLogger({ level: 'silent', pretty: false }), pollMs: 50, takeoverMs: 100 },
  });
  await runner.start();
  try {
    const { checkpoint } = await store.head();
    expect(await runner.waitFor(checkpoint, { timeoutMs: 10_000 })).toBe(true);
  } finally {
    await runner.stop();
    await signal.close();
  }
}

describe('npm run admin -- projections, with faults', () => {
  it('status lists the set-aside event with its error; retry applies it once the bug is fixed', async () => {
    await runUntilSetAside();
    expect(await counts()).toEqual([
      { author: 'ada', notes: 2 },
      { author: 'grace', notes: 1 },
    ]);

    const status = await admin('projections', 'status');
    expect(status.code).toBe(0);
    expect(status.out[1]?.split(/\s{2,}/).slice(0, 3)).toEqual([
      'fault_note_counts',
      'read-model',
      'running',
    ]);
    expect(status.out[1]?.split(/\s{2,}/)[6]).toBe('1');
    const listing = status.out.slice(status.out.indexOf('') + 1);
    expect(listing[0]).toMatch(/^1 event set aside .*projections retry <name>/);
    expect(listing[1]).toMatch(/^PROJECTOR\s+POSITION\s+EVENT\s+STREAM\s+TRIES\s+LAST SEEN\s+ERROR$/);
    const cells = listing[2]!.split(/\s{2,}/);
    expect([cells[0], cells[2], cells[3], cells[6]]).toEqual([
      'fault_note_counts',
      'FaultNoteAdded',
      'note-1@1',
      'cannot count notes by mallory',
    ]);

    // Still broken: it stays, and the command says so and fails
    const early = await admin('projections', 'retry', 'fault_note_counts');
    expect(early.code).toBe(1);
    expect(early.out[0]).toBe('fault_note_counts: 0 applied, 1 still failing:');
    expect(early.err).toBe('error: 1 set-aside event of fault_note_counts still fail');
    expect(await listSetAside(pool, ['fault_note_counts'])).toHaveLength(1);

    bug.on = false;
    const fixed = await admin('projections', 'retry', 'fault_note_counts');
    expect(fixed.err).toBe('');
    expect(fixed.code).toBe(0);
    expect(fixed.out).toEqual([
      expect.stringMatching(/^applied FaultNoteAdded at position \d+$/),
      'fault_note_counts: all 1 set-aside events applied.',
    ]);
    expect(await counts()).toContainEqual({ author: 'mallory', notes: 1 });
    expect((await admin('projections', 'status')).out).not.toContain('');
    expect((await admin('projections', 'retry', 'fault_note_counts')).out).toEqual([
      'fault_note_counts has no set-aside events.',
    ]);
  });

  it('rebuild --all rebuilds every projector it can, reports each, and exits 1 naming the failed one', async () => {
    const r = await admin('projections', 'rebuild', '--all');
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      expect.stringMatching(/^rebuilt fault_note_counts up to position \d+ in /),
      expect.stringMatching(/^FAILED fault_broken: .*fault_table_nobody_created/),
    ]);
    expect(r.err).toBe('error: 1 of 2 rebuilds failed (fault_broken); 1 rebuilt');
    // The failure stays visible in the status, though the live projector goes on
    const status = await admin('projections', 'status');
    const row = status.out.find((l) => l.startsWith('fault_broken'))!.split(/\s{2,}/);
    expect(row[2]).toBe('running');
    expect(row[7]).toMatch(/^rebuild failed: .*fault_table_nobody_created/);
  });

  it('rebuild that overlaps another waits for it, then rebuilds', async () => {
    const holder = await pool.connect();
    try {
      // Another process's rebuild of the same projector, as far as the lock says
      await holder.query(`SELECT pg_advisory_lock(hashtext('skillswap:rebuild:fault_note_counts'))`);
      const started = Date.now();
      const run = admin('projections', 'rebuild', 'fault_note_counts');
      await new Promise((r) => setTimeout(r, 700));
      await holder.query(`SELECT pg_advisory_unlock(hashtext('skillswap:rebuild:fault_note_counts'))`);
      const r = await run;
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      expect(r.err).toBe('fault_note_counts: another rebuild of it is running; waiting for it to end');
      expect(r.code).toBe(0);
      expect(r.out).toEqual([expect.stringMatching(/^rebuilt fault_note_counts up to position \d+/)]);
    } finally {
      holder.release();
    }
  });
});
