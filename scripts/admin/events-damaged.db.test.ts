// `events import` is all or nothing: a file with a damaged line, an event this SkillSwap does not know, data its
// schema refuses, or an event a read model cannot project names the line and why, and leaves the database as
// empty as it found it (no events, streams, keys, read-model rows, checkpoints moved). Synthetic logs of 1,500
// events and a real community's log with 1,200 more make the import go through more than one batch first.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool, type Pool } from '../../infra/db/index.ts';
import { defineEvent } from '../../infra/event-store/index.ts';
import type { AppDefinition, Platform } from '../../infra/platform.ts';
import { type Projector, projectionStatus } from '../../infra/projections/index.ts';
import { createTestDatabase, startTestPlatform, testConfig } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { seedDemoCommunity } from '../demo/community.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';
import { events } from './events.ts';

/** SkillSwap with one more event type, for logs that are quick to write by hand. */
const ImportCheckNoted = defineEvent('ImportCheckNoted', 1, z.object({ i: z.number().int() }));
const app: AppDefinition = {
  ...skillswap,
  modules: [...skillswap.modules, { name: 'import_checks', events: [ImportCheckNoted] }],
};
const READ_MODEL_TABLES = skillswap.readModels.flatMap((p) => (p as Projector).tables);

let dir: string;
const pools: Pool[] = [];

/** 1,500 ImportCheckNoted events, 50 streams of 30 versions, as `events export` writes them. */
const LINES = Array.from({ length: 1500 }, (_, i) =>
  JSON.stringify({
    globalPosition: i + 1,
    streamId: `check-${i % 50}`,
    streamVersion: Math.floor(i / 50) + 1,
    type: 'ImportCheckNoted',
    schemaVersion: 1,
    data: { i },
    metadata: {},
    recordedAt: new Date(1_700_000_000_000 + i).toISOString(),
  }),
);

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-events-damaged-'));
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await fs.rm(dir, { recursive: true, force: true });
});

/** Imports `content` into a fresh database; returns the command's outcome and what it left in the database. */
async function importFile(
  content: string,
  options: { keys?: string; app?: AppDefinition } = {},
): Promise<{ code: number; err: string; out: string[]; left: Record<string, number> }> {
  const file = path.join(dir, `log-${Math.random().toString(36).slice(2)}.ndjson`);
  await fs.writeFile(file, content);
  const url = await createTestDatabase();
  const err: string[] = [];
  const out: string[] = [];
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: new PassThrough() };
  const importing = options.app ?? app;
  const code = await runAdmin(['events', 'import', file, ...(options.keys ? ['--keys', options.keys] : [])], {
    groups: [events],
    app: importing,
    io,
    connect: () => connectAdmin(testConfig(url), importing, io.err),
  });
  const pool = createPool(url, { max: 1 });
  pools.push(pool);
  const { rows } = await pool.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM streams) AS streams,
            (SELECT count(*) FROM personal_data_keys) AS keys,
            (SELECT count(*) FROM projection_checkpoints
              WHERE position > 0 OR transaction_id <> '0'::xid8) AS moved,
            ${READ_MODEL_TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(' + ')} AS "readModelRows"`,
  );
  return { code, err: err.join('\n'), out, left: rows[0]! };
}

const NOTHING = { events: 0, streams: 0, keys: 0, moved: 0, readModelRows: 0 };

describe('npm run admin -- events import of a damaged file', () => {
  it('imports the intact synthetic log (the baseline of the cases below)', async () => {
    const r = await importFile(`${LINES.join('\n')}\n`);
    expect(r.code, r.err).toBe(0);
    expect(r.left).toMatchObject({ events: 1500, streams: 50 });
  });

  it('given a line cut short in the middle (after a full batch), names it and imports nothing', async () => {
    const lines = [...LINES];
    lines[1100] = lines[1100]!.slice(0, 40);
    const r = await importFile(`${lines.join('\n')}\n`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: line 1101: not a complete JSON object .*is the file truncated\?/m);
    expect(r.left).toEqual(NOTHING);
  });

  it('given a file cut off in its last line, names that line', async () => {
    const r = await importFile(LINES.join('\n').slice(0, -25));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: line 1500: not a complete JSON object/m);
    expect(r.left).toEqual(NOTHING);
  });

  it('given a field of the wrong kind, a gap in a stream or lines out of order, says which line and why', async () => {
    const wrongKind = await importFile(
      [LINES[0], LINES[1]!.replace('"streamVersion":1', '"streamVersion":"one"')].join('\n'),
    );
    expect(wrongKind.err).toMatch(/^error: line 2: streamVersion: /m);
    const gap = await importFile([LINES[0], LINES[50], LINES[150]].join('\n'));
    expect(gap.err).toMatch(
      /^error: line 3: stream check-0 is at version 2, so the next event must be 3, not 4$/m,
    );
    const order = await importFile([LINES[1], LINES[0]].join('\n'));
    expect(order.err).toMatch(
      /^error: line 2: globalPosition 1 does not follow 2: lines must be in log order$/m,
    );
    for (const r of [wrongKind, gap, order]) expect(r).toMatchObject({ code: 1, left: NOTHING });
  });
});

describe('npm run admin -- events import of a community log with one bad line at its end', () => {
  let source: Platform;
  let lines: string[];
  let keys: string;
  /** The log with its last line replaced by `replace(last line as an object)`. */
  const withLast = (replace: (line: Record<string, unknown>) => Record<string, unknown> | string) => {
    const last = replace(JSON.parse(lines[lines.length - 1]!));
    return `${[...lines.slice(0, -1), typeof last === 'string' ? last : JSON.stringify(last)].join('\n')}\n`;
  };

  beforeAll(async () => {
    source = await startTestPlatform(app);
    await seedDemoCommunity(source);
    await source.pool.query(
      `SELECT append_events('checks', 0, array_fill('ImportCheckNoted'::text, ARRAY[1200]),
         array_fill(1, ARRAY[1200]), (SELECT array_agg(jsonb_build_object('i', i) ORDER BY i)
           FROM generate_series(1, 1200) i), array_fill('{}'::jsonb, ARRAY[1200]))`,
    );
    const deadline = Date.now() + 20_000;
    while (!(await projectionStatus(source.pool, source.consumers)).every((s) => s.lag === 0)) {
      if (Date.now() > deadline) throw new Error('projectors did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }
    const file = path.join(dir, 'community.ndjson');
    keys = path.join(dir, 'community.keys.ndjson');
    const io: AdminIo = { out: () => {}, err: () => {}, progress: new PassThrough() };
    const code = await runAdmin(['events', 'export', file, '--keys', keys], {
      groups: [events],
      app,
      io,
      connect: () => connectAdmin(testConfig(source.url), app, io.err),
    });
    expect(code).toBe(0);
    lines = (await fs.readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1200);
  }, 120_000);

  it('imports the intact log, and its read models hold rows (the baseline of the cases below)', async () => {
    const r = await importFile(`${lines.join('\n')}\n`, { keys });
    expect(r.code, r.err).toBe(0);
    expect(r.left.events).toBe(lines.length);
    expect(r.left.readModelRows).toBeGreaterThan(50);
  });

  it('given data its event schema refuses, names the line, the event and the field, and imports nothing', async () => {
    const r = await importFile(
      withLast((e) => ({ ...e, data: { i: 'twelve hundred' } })),
      { keys },
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(`^error: line ${lines.length}: ImportCheckNoted v1 does not match its schema: i: `, 'm'),
    );
    expect(r.left).toEqual(NOTHING);
  });

  it('given an event type this SkillSwap does not know, names the line and the type, and imports nothing', async () => {
    const r = await importFile(
      withLast((e) => ({ ...e, type: 'ImportCheckForgotten' })),
      { keys },
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(`^error: line ${lines.length}: unknown event type ImportCheckForgotten`, 'm'),
    );
    expect(r.left).toEqual(NOTHING);
  });

  it('given a schema version newer than this SkillSwap knows, names the line and both versions', async () => {
    const r = await importFile(
      withLast((e) => ({ ...e, schemaVersion: 2 })),
      { keys },
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `^error: line ${lines.length}: ImportCheckNoted v2 is newer than this SkillSwap knows \\(v1\\)`,
        'm',
      ),
    );
    expect(r.left).toEqual(NOTHING);
  });

  it('given a line that is not JSON, names it, and imports nothing', async () => {
    const r = await importFile(
      withLast((e) => JSON.stringify(e).slice(0, 30)),
      { keys },
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^error: line ${lines.length}: not a complete JSON object`, 'm'));
    expect(r.left).toEqual(NOTHING);
  });

  it('given an event a read model fails to project, names the read model and the lines, and imports nothing', async () => {
    // A read model whose projector refuses the last event, as a projector bug or a constraint would.
    const refusing: Projector = {
      name: 'import_check_refusals',
      kind: 'read-model',
      tables: [],
      eventTypes: ['ImportCheckNoted'],
      handle: async (_client, batch) => {
        if (batch.some((e) => (e.data as { i: number }).i === 1200)) throw new Error('check 1200 refused');
      },
    };
    const r = await importFile(`${lines.join('\n')}\n`, {
      keys,
      app: { ...app, readModels: [...app.readModels, refusing] },
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `^error: lines \\d+ to ${lines.length}: projecting into import_check_refusals failed: check 1200 refused`,
        'm',
      ),
    );
    expect(r.left).toEqual(NOTHING);
  });
});
