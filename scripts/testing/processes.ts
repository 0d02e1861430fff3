// Spawning the real server (and the admin command line) as child processes for the process-level tests, and
// cleaning up after them whatever happened: no server, PostgreSQL or temp directory may outlive the test file.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queryable } from '../../infra/db/index.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type Spawned = {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved: for assertions and for the message of a failed test. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export type ServerProcess = Spawned & { port: number; dataDir: string };

const spawned = new Set<ChildProcess>();
const dataDirs = new Set<string>();

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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

/**
 * A fresh DATA_DIR. As root, PostgreSQL runs as the postgres user, which must traverse every parent: mkdtemp
 * makes its directory 0700, so DATA_DIR is a subdirectory of a temp directory opened up to 0755.
 */
export async function makeDataDir(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-process-'));
  await fs.chmod(root, 0o755);
  dataDirs.add(root);
  return path.join(root, 'data');
}

/** The embedded PostgreSQL's pid from DATA_DIR/postgres/postmaster.pid, or null when there is no such file. */
export async function postmasterPid(dataDir: string): Promise<number | null> {
  try {
    const text = await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
    const pid = Number(text.split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The server's environment: embedded PostgreSQL (no DATABASE_URL inherited from a developer's shell or CI). */
export function serverEnv(
  dataDir: string,
  port: number,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, TEST_DATABASE_URL: _test, ...inherited } = process.env;
  return {
    ...inherited,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    SEED_DEMO: '0',
    LOG_LEVEL: 'info',
    // Production refuses to start without one (infra/config.ts).
    SESSION_SECRET: 'process-test-session-secret-0123456789abcdef',
    ...extra,
  };
}

export function spawnTracked(command: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => {
      output += `\nspawn failed: ${err.message}`;
      resolve({ code: null, signal: null });
    });
  });
  return { child, output: () => output, exited };
}

/** `node scripts/server.ts` on the Node that runs the tests (the project's Node 24, not whatever is on PATH). */
export function spawnServer(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
  args: string[] = [],
): ServerProcess {
  const spawnedServer = spawnTracked(
    process.execPath,
    ['scripts/server.ts', ...args],
    serverEnv(dataDir, port, env),
  );
  return { ...spawnedServer, port, dataDir };
}

export async function health(
  port: number,
): Promise<{ status: number; body: Record<string, unknown> } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return null;
  }
}

export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `check` returns a value (not undefined), or fails after `ms` with the server's output. */
export async function waitUntil<T>(
  ms: number,
  what: string,
  check: () => Promise<T | undefined>,
  context?: Spawned,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${ms} ms${context ? `\n--- output ---\n${context.output()}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a server and waits for /healthz to answer 200; a server that exits first fails with its output. */
export async function startServer(
  dataDir: string,
  options: { env?: Record<string, string>; timeoutMs?: number; args?: string[] } = {},
): Promise<ServerProcess> {
  const server = spawnServer(dataDir, await freePort(), options.env, options.args);
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  await waitUntil(
    options.timeoutMs ?? 90_000,
    'server answering /healthz',
    async () => {
      if (exited) throw new Error(`the server exited during start:\n${server.output()}`);
      const h = await health(server.port);
      return h?.status === 200 ? true : undefined;
    },
    server,
  );
  return server;
}

async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const graceful = await Promise.race([
    exited.then(() => true),
    new Promise((r) => setTimeout(r, 25_000, false)),
  ]);
  if (!graceful) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** For afterAll: stops every spawned process, then any PostgreSQL a killed server left behind, then the dirs. */
export async function cleanUpProcesses() {
  thawAll();
  await Promise.all([...spawned].map(stopProcess));
  spawned.clear();
  for (const root of dataDirs) {
    const pid = await postmasterPid(path.join(root, 'data'));
    if (pid !== null && isAlive(pid)) {
      process.kill(pid, 'SIGINT');
      const deadline = Date.now() + 20_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await fs.rm(root, { recursive: true, force: true });
  }
  dataDirs.clear();
}

/** The JSON log lines (production) a server wrote so far. */
export function logLines(server: Spawned): { level: number; msg?: string; [key: string]: unknown }[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg?: string });
}

/** Every process whose parent is `pid`, from /proc (PostgreSQL's backends and helpers under its postmaster). */
export async function childPids(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

const frozen = new Set<number>();

/**
 * Freezes a PostgreSQL as a hung server or a stalled network would look: SIGSTOP to the postmaster first (so it
 * forks no new backend), then to all its children. The returned `thaw` sends SIGCONT; cleanUpProcesses thaws too.
 */
export async function freezePostgres(postmaster: number): Promise<{ thaw: () => void; pids: number[] }> {
  process.kill(postmaster, 'SIGSTOP');
  frozen.add(postmaster);
  const pids = [postmaster];
  for (const child of await childPids(postmaster)) {
    try {
      process.kill(child, 'SIGSTOP');
      frozen.add(child);
      pids.push(child);
    } catch {
      // exited meanwhile
    }
  }
  return { pids, thaw: () => thaw(pids) };
}

function thaw(pids: number[]) {
  // Children first: the postmaster, once running, must find its backends running too.
  for (const pid of [...pids].reverse()) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
    frozen.delete(pid);
  }
}

/** Wakes every process freezePostgres stopped: for afterAll, before anything is stopped or killed. */
export function thawAll() {
  thaw([...frozen]);
}

/**
 * What a PostgreSQL restart or failover does to the app: ends every connection of SkillSwap's (pool, listener,
 * projector locks, jobs) on this database, and only on this one (other test files share the server). Returns how
 * many it ended. `db` must connect under another application name.
 */
/** How many connections SkillSwap has open on this database (as terminateAppConnections counts them). */
export async function appConnections(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name LIKE 'skillswap%' AND pid <> pg_backend_pid() AND datname = current_database()`,
  );
  return rows[0]!.n;
}

export async function terminateAppConnections(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ ended: boolean }>(
    `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
      WHERE application_name LIKE 'skillswap%' AND pid <> pg_backend_pid() AND datname = current_database()`,
  );
  return rows.filter((r) => r.ended).length;
}
