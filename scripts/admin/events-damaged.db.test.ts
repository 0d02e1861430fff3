// `events import` of a damaged file: it names the line and why, and leaves the database as it found it (one
// transaction). A synthetic log of 1,500 events makes the import go through more than one batch before the damage.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../infra/db/index.ts';
import { createTestDatabase, testConfig } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';
import { events } from './events.ts';

let dir: string;
const pools: Pool[] = [];

/** 1,500 events of a type the app does not know, 50 streams of 30 versions, as `events export` writes them. */
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
async function importFile(content: string) {
  const file = path.join(dir, `log-${Math.random().toString(36).slice(2)}.ndjson`);
  await fs.writeFile(file, content);
  const url = await createTestDatabase();
  const err: string[] = [];
  const io: AdminIo = { out: () => {}, err: (l) => err.push(l), progress: new PassThrough() };
  const code = await runAdmin(['events', 'import', file], {
    groups: [events],
    app: skillswap,
    io,
    connect: () => connectAdmin(testConfig(url), skillswap, io.err),
  });
  const pool = createPool(url, { max: 1 });
  pools.push(pool);
  const { rows } = await pool.query<{ events: number; streams: number; moved: number }>(
    `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM streams) AS streams,
            (SELECT count(*) FROM projection_checkpoints WHERE position > 0) AS moved`,
  );
  return { code, err: err.join('\n'), left: rows[0] };
}

const NOTHING = { events: 0, streams: 0, moved: 0 };

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
