// Backup and restore of the event log: export a living community, import it into a fresh database, and get every
// read model back identical; refuse a non-empty database and a damaged file without changing anything.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, type Pool } from '../../infra/db/index.ts';
import { defineEvent } from '../../infra/event-store/index.ts';
import { type AppDefinition, type Platform, startPlatform } from '../../infra/platform.ts';
import { type Projector, projectionStatus } from '../../infra/projections/index.ts';
import {
  createTestDatabase,
  startTestPlatform,
  testConfig,
  testLogger,
} from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { DEMO_PASSWORD, seedDemoCommunity } from '../demo/community.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';
import { events } from './events.ts';

/** SkillSwap with two more event types: one at version 2 (its v1 events are upcast when read), one for bulk. */
const LegacyNoted = defineEvent('LegacyNoted', 2, z.object({ old: z.number(), note: z.string() }), {
  1: (v1) => ({ ...(v1 as object), note: '' }),
});
const BulkNoted = defineEvent('BulkNoted', 1, z.object({ n: z.number().int() }));
const app: AppDefinition = {
  ...skillswap,
  modules: [...skillswap.modules, { name: 'notes', events: [LegacyNoted, BulkNoted] }],
};

let source: Platform;
let dir: string;
let backup: string;
let keys: string;
const pools: Pool[] = [];

/** Runs one admin command line against the database at `url`, as scripts/admin.ts would with DATABASE_URL. */
async function admin(url: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: new PassThrough() };
  const code = await runAdmin(argv, {
    groups: [events],
    app,
    io,
    connect: () => connectAdmin(testConfig(url), app, io.err),
  });
  return { code, out, err: err.join('\n') };
}

function poolFor(url: string) {
  const pool = createPool(url, { max: 2 });
  pools.push(pool);
  return pool;
}

/** A table's rows as text, sorted: equal lists mean equal tables, and a difference shows as a readable diff. */
async function rowsOf(pool: Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t ORDER BY 1`);
  return rows.map((r) => r.row);
}

/** The log as stored, but for the transaction ids (an import writes in a transaction of its own). */
const LOG_SQL = `SELECT global_position, stream_id, stream_version, type, schema_version, data::text, metadata::text,
                        recorded_at::text FROM events ORDER BY global_position`;

async function untilQuiet(platform: Platform) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await projectionStatus(platform.pool, platform.consumers);
    if (status.every((s) => s.lag === 0 && s.status === 'running')) return;
    if (Date.now() > deadline) throw new Error(`projectors did not catch up: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-events-'));
  backup = path.join(dir, 'backup.ndjson');
  keys = path.join(dir, 'backup.keys.ndjson');
  source = await startTestPlatform(app);
  await seedDemoCommunity(source);
  // An event written at an older schema version than the app knows, with a number beyond 2^53 and a timestamp
  // with microseconds: the export must carry all three as stored, not upcast or rounded.
  await source.pool.query(
    `SELECT append_events('legacy-note-1', 0, ARRAY['LegacyNoted'], ARRAY[1],
       ARRAY['{"old": 12345678901234567890123}'::jsonb], ARRAY['{"via": "events.db.test"}'::jsonb])`,
  );
  // More events than one page of the export and one batch of the import, so both go round more than once.
  await source.pool.query(
    `SELECT append_events('bulk-notes', 0, array_fill('BulkNoted'::text, ARRAY[1200]), array_fill(1, ARRAY[1200]),
       (SELECT array_agg(jsonb_build_object('n', i) ORDER BY i) FROM generate_series(1, 1200) i),
       array_fill('{}'::jsonb, ARRAY[1200]))`,
  );
  await untilQuiet(source);
}, 120_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('npm run admin -- events export', () => {
  it('writes the whole log as NDJSON, one event per line, in position order, as stored', async () => {
    const r = await admin(source.url, 'events', 'export', backup, '--keys', keys);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { rows } = await source.pool.query<{ n: number; head: number }>(
      'SELECT count(*) AS n, max(global_position) AS head FROM events',
    );
    expect(r.out).toEqual([
      expect.stringMatching(
        `^exported ${rows[0]!.n} events \\(up to position ${rows[0]!.head}\\) to ${backup} in `,
      ),
      expect.stringMatching(/^exported \d+ personal-data keys to .*: keep it apart from the log$/),
    ]);
    const lines = (await fs.readFile(backup, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(rows[0]!.n);
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first)).toEqual([
      'globalPosition',
      'streamId',
      'streamVersion',
      'type',
      'schemaVersion',
      'data',
      'metadata',
      'recordedAt',
    ]);
    expect(first.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const legacy = lines.find((l) => l.includes('"LegacyNoted"'))!;
    expect(legacy).toContain('"schemaVersion" : 1');
    expect(legacy).toContain('12345678901234567890123');
  });

  it('keeps the personal-data keys out of the log file, in a key file only its owner can read', async () => {
    // A bio is personal data: in the log it is ciphertext, so erasing a member's key erases it from backups too.
    expect(await fs.readFile(backup, 'utf8')).not.toContain(
      'I teach the TypeScript I wish I had learned first',
    );
    const keyLines = (await fs.readFile(keys, 'utf8')).trimEnd().split('\n');
    const { rows } = await source.pool.query<{ n: number }>('SELECT count(*) AS n FROM personal_data_keys');
    expect(keyLines).toHaveLength(rows[0]!.n);
    expect(Object.keys(JSON.parse(keyLines[0]!))).toEqual(['subject', 'key', 'createdAt']);
    // The key of the email claims' keyed hash travels with the members' keys: without it no address is recognised.
    expect(keyLines.map((l) => JSON.parse(l).subject)).toContain('hmac:email');
    expect((await fs.stat(keys)).mode & 0o777).toBe(0o600);
  });

  it('without --keys, says how many keys it left out', async () => {
    const r = await admin(source.url, 'events', 'export', path.join(dir, 'log-only.ndjson'));
    expect(r.code).toBe(0);
    expect(r.out[1]).toMatch(
      /^\d+ personal-data keys are not in the export: without them a restore shows every member/,
    );
  });

  it('refuses to overwrite an existing file', async () => {
    const r = await admin(source.url, 'events', 'export', backup);
    expect(r.code).toBe(1);
    expect(r.err).toContain('already exists');
  });
});

describe('npm run admin -- events import', () => {
  let targetUrl: string;
  let target: Pool;

  beforeAll(async () => {
    targetUrl = await createTestDatabase();
    target = poolFor(targetUrl);
  });

  it('refuses a log with personal data without its key file, and changes nothing', async () => {
    const r = await admin(targetUrl, 'events', 'import', backup);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^error: line \d+: the log holds personal data, .* --keys <file> .* --without-keys/m,
    );
    const { rows } = await target.query<{ n: number }>('SELECT count(*) AS n FROM events');
    expect(rows[0]!.n).toBe(0);
  });

  it('loads the export and its keys into an empty database and projects it into every read model', async () => {
    const r = await admin(targetUrl, 'events', 'import', backup, '--keys', keys);
    // Only the migrations of the new database are reported on stderr.
    expect(r.err).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^imported \d+ events \(up to position \d+\) from /);
    for (const p of skillswap.readModels.filter((c) => c.kind === 'read-model')) {
      expect(r.out).toContainEqual(expect.stringMatching(`^projected \\d+ events into ${p.name}$`));
    }
  });

  it('gives back the same log: positions, stream versions, schema versions, data, metadata and recorded_at', async () => {
    const [before, after] = await Promise.all([source.pool.query(LOG_SQL), target.query(LOG_SQL)]);
    expect(after.rows).toEqual(before.rows);
    expect(await rowsOf(target, 'streams')).toEqual(await rowsOf(source.pool, 'streams'));
  });

  it('gives back every read-model table row for row', async () => {
    let compared = 0;
    for (const projector of skillswap.readModels.filter((c): c is Projector => c.kind === 'read-model')) {
      for (const table of projector.tables) {
        const expected = await rowsOf(source.pool, table);
        expect(await rowsOf(target, table), `${projector.name}: ${table}`).toEqual(expected);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('leaves every checkpoint at the head, so reactors do not run their reactions again', async () => {
    const { rows } = await target.query<{ name: string; position: number; head: number }>(
      `SELECT name, position, (SELECT max(global_position) FROM events) AS head FROM projection_checkpoints`,
    );
    expect(rows.map((r) => r.name).sort()).toEqual(source.consumers.map((c) => c.name).sort());
    for (const row of rows) expect(row.position, row.name).toBe(row.head);
  });

  it('serves the restored community: the app starts on it, members sign in, and appends continue the log', async () => {
    const restored = await startPlatform(testConfig(targetUrl), testLogger(), app);
    try {
      const login = await restored.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'kwame@skillswap.demo', password: DEMO_PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      const { position: head } = await restored.store.head();
      const signup = await restored.http.inject({
        method: 'POST',
        url: '/api/auth/signup',
        payload: {
          email: 'after-restore@example.com',
          password: 'a perfectly good password',
          displayName: 'New',
        },
      });
      expect(signup.statusCode).toBe(201);
      expect((await restored.store.head()).position).toBeGreaterThan(head);
      await untilQuiet(restored);
    } finally {
      await restored.stop();
    }
  });

  it('imports into a database where a sign-in was tried first: the key file brings the email key in its place', async () => {
    const url = await createTestDatabase();
    const fresh = await startPlatform(testConfig(url), testLogger(), skillswap, { runProjectors: false });
    try {
      const tried = await fresh.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'kwame@skillswap.demo', password: DEMO_PASSWORD },
      });
      expect(tried.statusCode).toBe(401);
    } finally {
      await fresh.stop();
    }
    const r = await admin(url, 'events', 'import', backup, '--keys', keys);
    expect(r.err).not.toContain('error');
    expect(r.code).toBe(0);
    const restored = await startPlatform(testConfig(url), testLogger(), skillswap, { runProjectors: false });
    try {
      const login = await restored.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'kwame@skillswap.demo', password: DEMO_PASSWORD },
      });
      expect(login.statusCode).toBe(200);
    } finally {
      await restored.stop();
    }
  });

  it('refuses a database whose log is not empty, and changes nothing in it', async () => {
    const log = await target.query(LOG_SQL);
    const checkpoints = await rowsOf(target, 'projection_checkpoints');
    const r = await admin(targetUrl, 'events', 'import', backup, '--keys', keys);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the database is not empty \(its event log reaches position \d+\)/);
    expect((await target.query(LOG_SQL)).rows).toEqual(log.rows);
    expect(await rowsOf(target, 'projection_checkpoints')).toEqual(checkpoints);
  });

  it('with --without-keys instead, restores everything but personal data: every member reads as erased', async () => {
    const url = await createTestDatabase();
    const r = await admin(url, 'events', 'import', backup, '--without-keys');
    expect(r.code).toBe(0);
    const { rows } = await poolFor(url).query<{ name: string; n: number }>(
      'SELECT display_name AS name, count(*) AS n FROM member_profiles GROUP BY 1',
    );
    expect(rows).toEqual([{ name: 'Deleted member', n: 9 }]);
  });
});
