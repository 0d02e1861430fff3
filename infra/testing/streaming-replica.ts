import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, runAsIds } from '../db/embedded.ts';

const run = promisify(execFile);

export type StreamingPair = {
  /** postgres://postgres@127.0.0.1:<port>/<db> of the primary and of the hot standby. */
  primaryUrl: (db?: string) => string;
  replicaUrl: (db?: string) => string;
  stopReplica: () => Promise<void>;
  startReplica: () => Promise<void>;
  stop: () => Promise<void>;
};

/** The machine's PostgreSQL server programs (Debian's, `pg_config --bindir`), or null when there are none. */
export function serverBinDir(): string | null {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    execFileSync(path.join(dir, 'pg_basebackup'), ['--version']);
    execFileSync(path.join(dir, 'initdb'), ['--version']);
    return dir;
  } catch {
    return null;
  }
}

/**
 * A primary and a hot standby streaming from it, made the way operators make one (initdb, pg_basebackup -R), on
 * free ports, with Debian's PostgreSQL. As root they run as the `postgres` user, which PostgreSQL requires.
 */
export async function startStreamingPair(options: { applyDelayMs?: number } = {}): Promise<StreamingPair> {
  const bin = serverBinDir();
  if (!bin) throw new Error('no PostgreSQL server programs (pg_config --bindir) on this machine');
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-replica-'));
  const ids = runAsIds();
  if (ids.uid !== undefined) {
    await fs.chmod(root, 0o755);
    await fs.chown(root, ids.uid!, ids.gid!);
  }
  const pg = (program: string, args: string[]) => run(path.join(bin, program), args, { ...ids, cwd: root });
  const primaryDir = path.join(root, 'primary');
  const replicaDir = path.join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const settings = (port: number) =>
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${root}'`,
      'wal_level = replica',
      'max_wal_senders = 5',
      'hot_standby = on',
      'fsync = off',
      'max_connections = 100',
      // Replay is not held back for queries on the standby: a read there may be cancelled instead, which the
      // app must survive (it falls back to the primary).
      'max_standby_streaming_delay = 1s',
    ].join('\n');

  await pg('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
  await fs.appendFile(path.join(primaryDir, 'postgresql.conf'), `\n${settings(primaryPort)}\n`);
  await pg('pg_ctl', ['-D', primaryDir, '-l', path.join(root, 'primary.log'), '-w', 'start']);
  await pg('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primaryPort),
    '-U',
    'postgres',
    '-D',
    replicaDir,
    '-R',
    '-X',
    'stream',
  ]);
  // A replica a little behind, as one under load is: what was just committed on the primary is not there yet.
  const delay = options.applyDelayMs ? `recovery_min_apply_delay = '${options.applyDelayMs}ms'\n` : '';
  await fs.appendFile(path.join(replicaDir, 'postgresql.auto.conf'), `\nport = ${replicaPort}\n${delay}`);
  const startReplica = async () => {
    await pg('pg_ctl', ['-D', replicaDir, '-l', path.join(root, 'replica.log'), '-w', 'start']);
  };
  const stopReplica = async () => {
    await pg('pg_ctl', ['-D', replicaDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
  };
  await startReplica();
  const url =
    (port: number) =>
    (db = 'postgres') =>
      `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    primaryUrl: url(primaryPort),
    replicaUrl: url(replicaPort),
    startReplica,
    stopReplica,
    stop: async () => {
      await stopReplica();
      await pg('pg_ctl', ['-D', primaryDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
