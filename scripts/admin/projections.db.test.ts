import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, migrate, type Pool } from '../../infra/db/index.ts';
import {
  createCatalog,
  createEventStore,
  defineEvent,
  type EventStore,
} from '../../infra/event-store/index.ts';
import type { AppDefinition } from '../../infra/platform.ts';
import type { Projector, Reactor } from '../../infra/projections/index.ts';
import { createTestDatabase, testConfig } from '../../infra/testing/database.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';
import { projections } from './projections.ts';

// A throwaway read model and reactor, so the commands run against real tables and checkpoints.
const noteAdded = defineEvent('AdminTestNoteAdded', 1, z.object({ author: z.string() }));

const noteCounts: Projector = {
  name: 'admin_test_note_counts',
  kind: 'read-model',
  tables: ['admin_test_note_counts'],
  eventTypes: ['AdminTestNoteAdded'],
  handle: async (client, events) => {
    for (const e of events) {
      await client.query(
        `INSERT INTO admin_test_note_counts (author, notes) VALUES ($1, 1)
           ON CONFLICT (author) DO UPDATE SET notes = admin_test_note_counts.notes + 1`,
        [(e.data as { author: string }).author],
      );
    }
  },
};
const notePoints: Reactor = {
  name: 'admin_test_note_points',
  kind: 'reactor',
  eventTypes: ['AdminTestNoteAdded'],
  handle: async () => {},
};
const app: AppDefinition = {
  modules: [{ name: 'notes', events: [noteAdded], consumers: [notePoints] }],
  readModels: [noteCounts],
  authenticate: () => async () => null,
};

let url: string;
let pool: Pool;
let store: EventStore;

beforeAll(async () => {
  url = await createTestDatabase();
  pool = createPool(url);
  await migrate(pool);
  await pool.query('CREATE TABLE admin_test_note_counts (author text PRIMARY KEY, notes integer NOT NULL)');
  store = createEventStore(pool, createCatalog([noteAdded]));
  for (const [i, author] of ['ada', 'ada', 'grace', 'ada', 'linus'].entries()) {
    await store.append(`note-${i}`, 0, [{ type: 'AdminTestNoteAdded', data: { author } }]);
  }
  return () => pool.end();
});

/** Runs one admin command line the way scripts/admin.ts does, but with DATABASE_URL pointing at this file's DB. */
async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const drawn: string[] = [];
  // A stream that claims to be a terminal, so the progress bar draws into it.
  const progress = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  progress.on('data', (chunk: Buffer) => drawn.push(chunk.toString('utf8')));
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress };
  const code = await runAdmin(argv, {
    groups: [projections],
    app,
    io,
    connect: () => connectAdmin(testConfig(url), app, io.err),
  });
  return { code, out, err: err.join('\n'), bar: drawn.join('') };
}

async function counts() {
  const { rows } = await pool.query('SELECT author, notes FROM admin_test_note_counts ORDER BY author');
  return rows;
}

describe('npm run admin -- projections', () => {
  it('status: prints every consumer with its position, the head and the lag', async () => {
    const { position: head } = await store.head();
    const r = await admin('projections', 'status');
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^NAME\s+KIND\s+STATUS\s+POSITION\s+HEAD\s+LAG\s+SET ASIDE\s+LAST ERROR$/);
    expect(r.out[1]?.split(/\s{2,}/)).toEqual([
      'admin_test_note_counts',
      'read-model',
      'running',
      '0',
      `${head}`,
      '5',
      '0',
      '-',
    ]);
    expect(r.out[2]?.split(/\s{2,}/)).toEqual([
      'admin_test_note_points',
      'reactor',
      'running',
      '0',
      `${head}`,
      '5',
      '0',
      '-',
    ]);
  });

  it('rebuild <name>: rebuilds the read model from the log behind a progress bar, replacing drifted rows', async () => {
    await pool.query(`INSERT INTO admin_test_note_counts VALUES ('ada', 999), ('nobody', 1)`);
    const { position: head } = await store.head();

    const r = await admin('projections', 'rebuild', 'admin_test_note_counts');

    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      expect.stringMatching(`^rebuilt admin_test_note_counts up to position ${head} in `),
    ]);
    expect(r.bar).toContain('admin_test_note_counts [');
    expect(r.bar).toContain(`100% | position ${head}/${head}`);
    expect(await counts()).toEqual([
      { author: 'ada', notes: 3 },
      { author: 'grace', notes: 1 },
      { author: 'linus', notes: 1 },
    ]);
    const status = await admin('projections', 'status');
    expect(status.out[1]?.split(/\s{2,}/)).toEqual([
      'admin_test_note_counts',
      'read-model',
      'running',
      `${head}`,
      `${head}`,
      '0',
      '0',
      '-',
    ]);
  });

  it('rebuild --all: rebuilds every read model, including events appended since, and leaves reactors alone', async () => {
    await store.append('note-late', 0, [{ type: 'AdminTestNoteAdded', data: { author: 'grace' } }]);
    const { position: head } = await store.head();

    const r = await admin('projections', 'rebuild', '--all');

    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      expect.stringMatching(`^rebuilt admin_test_note_counts up to position ${head} in `),
    ]);
    expect(await counts()).toContainEqual({ author: 'grace', notes: 2 });
    const { rows } = await pool.query(
      `SELECT position FROM projection_checkpoints WHERE name = 'admin_test_note_points'`,
    );
    expect(rows).toEqual([{ position: 0 }]);
  });

  it('rebuild of an unknown projector exits 1 and names it', async () => {
    const r = await admin('projections', 'rebuild', 'member_profiles');
    expect(r.code).toBe(1);
    expect(r.err).toContain('no projector named "member_profiles" (read models: admin_test_note_counts)');
  });
});
