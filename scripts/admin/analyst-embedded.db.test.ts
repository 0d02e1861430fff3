// Analysts' logins on the embedded PostgreSQL under DATA_DIR (no DATABASE_URL): the URL carries 127.0.0.1 and the
// port of the running server, `analyst list` says where to connect, `analyst password` replaces a password, and
// nothing is started when no server runs (a URL to a server started for one command would not last).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../infra/config.ts';
import { type EmbeddedServer, startEmbedded } from '../../infra/db/embedded.ts';
import { testConfig } from '../../infra/testing/database.ts';
import { analystLogin } from './analyst-logins.ts';
import { admin, connect, failureOf, PERMISSION_DENIED, uniqueName } from './analyst-testing.ts';

describe('without DATABASE_URL: the embedded PostgreSQL under DATA_DIR', () => {
  let dataDir: string;
  let server: EmbeddedServer;
  let config: Config;
  const eve = uniqueName('eve');

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-analyst-'));
    // As `npm start` would: the server runs, and the command attaches to it.
    server = await startEmbedded({ dataDir, owner: false });
    config = { ...testConfig('postgres://unused@127.0.0.1/unused'), databaseUrl: undefined, dataDir };
  });

  afterAll(async () => {
    await server?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('add prints 127.0.0.1 and the running server port; list shows the analyst and the port', async () => {
    const added = await admin(config, 'analyst', 'add', eve);
    expect(added.code, added.err).toBe(0);
    const match = new RegExp(
      `^postgres://analyst_${eve}:([0-9a-f]{48})@127\\.0\\.0\\.1:(\\d+)/postgres$`,
    ).exec(added.out[0]!);
    expect(match).not.toBeNull();
    expect(Number(match![2])).toBe(server.port);
    expect(added.err).toMatch(/new port at every start/);

    const client = await connect(added.out[0]!);
    expect((await client.query('SELECT count(*)::int AS n FROM analytics.skills')).rows[0].n).toBe(0);
    expect(await failureOf(client, 'SELECT 1 FROM events')).toBe(PERMISSION_DENIED);
    expect(await failureOf(client, 'SELECT email FROM member_profiles')).toBe(PERMISSION_DENIED);

    const listed = await admin(config, 'analyst', 'list');
    expect(listed.out).toContainEqual(
      expect.stringMatching(new RegExp(`^${eve}\\tanalyst_${eve}\\t1 open session\\t`)),
    );
    expect(listed.err).toContain(`postgres://<login>:<password>@127.0.0.1:${server.port}/postgres`);
  });

  it('password gives a new one: the old one no longer logs in, open connections stay', async () => {
    const before = (await admin(config, 'analyst', 'password', eve)).out[0]!;
    const open = await connect(before);
    const renewed = await admin(config, 'analyst', 'password', eve);
    expect(renewed.code, renewed.err).toBe(0);
    expect(renewed.out[0]).not.toBe(before);
    await expect(connect(before)).rejects.toMatchObject({ code: '28P01' });
    expect((await open.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    const client = await connect(renewed.out[0]!);
    expect((await client.query('SELECT current_user AS who')).rows[0].who).toBe(analystLogin(eve));
  });

  it('refuses, starting nothing, when no PostgreSQL runs on DATA_DIR', async () => {
    await server.stop();
    const result = await admin(config, 'analyst', 'add', uniqueName('late'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no PostgreSQL is running on .*start SkillSwap first/);
    await expect(fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
