import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, runAsIds } from '../db/embedded.ts';

export type PgBouncer = {
  /** `target` with PgBouncer's host and port: the same database, through the pooler. */
  url: (target: string) => string;
  port: number;
  stop: () => Promise<void>;
};

/** Debian's package puts it in /usr/sbin, which is not on every user's PATH. */
export function findPgBouncer(): string | null {
  for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'])
    if (existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real PgBouncer in transaction pooling in front of the PostgreSQL server of `serverUrl` (every database on it,
 * trust authentication, for tests on this machine only), with a small server pool so that clients share server
 * connections as they would in production. As root it runs as the `postgres` user: PgBouncer refuses root.
 * The server-side timeouts the app cannot send through a pooler are set here, as the README tells operators to.
 */
export async function startPgBouncer(
  serverUrl: string,
  options: {
    poolSize?: number;
    statementTimeoutMs?: number;
    serverIdleSeconds?: number;
    /**
     * Hands out idle server sessions in turn rather than the last one used first: one client's consecutive
     * transactions then land on different sessions, as they do under load, so that state left on one shows.
     */
    roundRobin?: boolean;
  } = {},
): Promise<PgBouncer> {
  const binary = findPgBouncer();
  if (!binary) throw new Error('pgbouncer is not installed (apt-get install -y pgbouncer)');
  const server = new URL(serverUrl);
  const port = await freePort();
  // Not under os.tmpdir()'s mkdtemp alone: as root the folder must be the postgres user's to read and log into.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-pgbouncer-'));
  // PgBouncer logs in to the server with the server URL's own user and password (the embedded PostgreSQL has one);
  // its own clients, on this machine only, need none.
  const user = decodeURIComponent(server.username || 'postgres');
  const password = decodeURIComponent(server.password);
  const login = ` user=${user}${password ? ` password=${password}` : ''}`;
  const ini = `[databases]
* = host=${server.hostname} port=${server.port || 5432}${login} connect_query='SET statement_timeout = ${options.statementTimeoutMs ?? 5000}'

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${dir}/users.txt
pool_mode = transaction
default_pool_size = ${options.poolSize ?? 10}
max_client_conn = 1000
max_db_connections = ${(options.poolSize ?? 10) * 2}
idle_transaction_timeout = 60
server_check_delay = 1
server_idle_timeout = ${options.serverIdleSeconds ?? 600}
server_round_robin = ${options.roundRobin ? 1 : 0}
logfile = ${dir}/pgbouncer.log
pidfile = ${dir}/pgbouncer.pid
`;
  await fs.writeFile(path.join(dir, 'pgbouncer.ini'), ini);
  await fs.writeFile(path.join(dir, 'users.txt'), `"${user}" ""\n`);
  const ids = runAsIds();
  if (ids.uid !== undefined) {
    const { uid, gid } = ids as { uid: number; gid: number };
    await fs.chmod(dir, 0o755);
    for (const f of ['', 'pgbouncer.ini', 'users.txt']) await fs.chown(path.join(dir, f), uid, gid);
  }
  const child: ChildProcess = spawn(binary, [path.join(dir, 'pgbouncer.ini')], {
    ...ids,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c) => {
    stderr += c;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; !(await answers(port)); i++) {
    if (child.exitCode !== null || i > 100) {
      child.kill('SIGKILL');
      const log = await fs.readFile(path.join(dir, 'pgbouncer.log'), 'utf8').catch(() => '');
      throw new Error(`pgbouncer did not start: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: (target) => {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
