// `npm run admin -- analyst-url`: lets the analysts' read-only role (skillswap_analyst, created NOLOGIN by the
// migration 0006_moderation) log in, and prints the URL to connect with. What the role may read, and example
// queries, are in docs/read-models.md.
//
// The password. Embedded server (no DATABASE_URL): one password, kept in DATA_DIR/analyst-password (mode 0600)
// beside the superuser's, made on first use and reused, so the URL changes only by its port (which changes at every
// start) and one analyst asking for the URL does not lock out the others; `--rotate` replaces it. With DATABASE_URL
// the server is not ours and DATA_DIR is not where its secrets belong: each run sets a fresh random password, shown
// once. Either way the server receives only a SCRAM-SHA-256 verifier, never the password itself (nothing to leak
// into its log).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type Config, loadConfig } from '../../infra/config.ts';
import type { Queryable } from '../../infra/db/index.ts';
import { type CommandGroup, parseCommandArgs } from './dispatch.ts';

export const ANALYST_ROLE = 'skillswap_analyst';

export const analystPasswordFile = (dataDir: string) => path.join(dataDir, 'analyst-password');

const newPassword = () => randomBytes(24).toString('hex');

/**
 * The password as PostgreSQL stores it (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802 and
 * 7677): given this, the server keeps it as is. The password is hex, so SASLprep leaves it unchanged.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}

/** The embedded server's analyst password: the stored one, or a new one (first use, `--rotate`) stored with 0600. */
export async function storedAnalystPassword(
  dataDir: string,
  rotate: boolean,
): Promise<{ password: string; made: boolean }> {
  const file = analystPasswordFile(dataDir);
  if (!rotate) {
    const stored = await fs.readFile(file, 'utf8').then(
      (text) => text.trim(),
      () => '',
    );
    if (/^[0-9a-f]{32,}$/.test(stored)) {
      await fs.chmod(file, 0o600);
      return { password: stored, made: false };
    }
  }
  const password = newPassword();
  // Written aside and renamed: a reader never sees half a password, and the mode is right from the first byte.
  const scratch = `${file}.${process.pid}.tmp`;
  await fs.writeFile(scratch, `${password}\n`, { mode: 0o600 });
  await fs.rename(scratch, file);
  return { password, made: true };
}

/**
 * ALTER ROLE ... LOGIN PASSWORD. The role belongs to the whole server (every database on it shares it), and changing
 * it needs a superuser, or CREATEROLE (with, from PostgreSQL 16, the ADMIN OPTION on the role).
 */
export async function enableAnalystLogin(db: Queryable, password: string): Promise<void> {
  const verifier = scramVerifier(password);
  // Utility statements take no parameters; the verifier is base64 and punctuation, nothing to quote.
  if (!/^[A-Za-z0-9+/=$:-]+$/.test(verifier)) throw new Error('unexpected characters in the SCRAM verifier');
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(`ALTER ROLE ${ANALYST_ROLE} LOGIN PASSWORD '${verifier}'`);
      return;
    } catch (err) {
      const { code, message } = err as { code?: string; message: string };
      // Two ALTER ROLEs of one role at once (another database on the server, another run): one of them fails so.
      if (message === 'tuple concurrently updated' && attempt < 3) {
        await new Promise((r) => setTimeout(r, 100 * attempt));
        continue;
      }
      throw explained(code, message, err);
    }
  }
}

function explained(code: string | undefined, message: string, err: unknown): unknown {
  if (code === '42501') {
    return new Error(
      `the database user of DATABASE_URL may not change the role ${ANALYST_ROLE} (${message}). ` +
        'That needs a superuser, or a role with CREATEROLE (from PostgreSQL 16 also with the ADMIN OPTION on ' +
        `${ANALYST_ROLE}). Ask the server's administrator to run: ALTER ROLE ${ANALYST_ROLE} LOGIN PASSWORD '<password>'`,
    );
  }
  if (code === '42704') {
    return new Error(
      `the role ${ANALYST_ROLE} does not exist on this server: the migration 0006_moderation creates it`,
    );
  }
  return err;
}

/** The pid of the PostgreSQL running on DATA_DIR (postmaster.pid, line 1), or null when none runs. */
async function runningPostgres(dataDir: string): Promise<number | null> {
  const text = await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** The analysts' URL for the server behind DATABASE_URL: its host, port, database and options, the role's login. */
function urlFromDatabaseUrl(databaseUrl: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = ANALYST_ROLE;
  url.password = password;
  url.searchParams.delete('user');
  url.searchParams.delete('password');
  return url.toString();
}

/** The command group; `config` is how it learns DATABASE_URL and DATA_DIR (the environment, unless a test says). */
export function analystUrlCommand(config: () => Config = () => loadConfig()): CommandGroup {
  return {
    name: 'analyst-url',
    summary: "Analysts' read-only SQL access to the read-model tables (docs/read-models.md)",
    usage: ['analyst-url [--rotate]'],
    run: async (args, { io, database }) => {
      const { values } = parseCommandArgs(args, { rotate: { type: 'boolean', default: false } }, false);
      const { databaseUrl, dataDir } = config();
      const reads = `The role ${ANALYST_ROLE} reads the read-model tables only (not the event log, not emails): see docs/read-models.md.`;

      if (databaseUrl) {
        const { pool } = await database();
        const password = newPassword();
        await enableAnalystLogin(pool, password);
        io.out(urlFromDatabaseUrl(databaseUrl, password));
        io.err(`${ANALYST_ROLE} can log in with this URL. ${reads}`);
        io.err(
          'Each run sets a new password (it is stored nowhere): URLs printed before stop working for new ' +
            'connections, open ones stay. The role belongs to the whole PostgreSQL server.',
        );
        return;
      }

      // The URL needs the port of the running server; a PostgreSQL started for this command alone would be gone
      // (and the next one on another port) by the time anybody used it.
      const pid = await runningPostgres(dataDir);
      if (pid === null) {
        throw new Error(
          `no PostgreSQL is running on ${dataDir}: start SkillSwap first (npm start), then run this command again ` +
            '(the embedded server listens on a new port at every start).',
        );
      }
      const { pool } = await database();
      const { password, made } = await storedAnalystPassword(dataDir, values.rotate === true);
      await enableAnalystLogin(pool, password);
      const { rows } = await pool.query<{ port: number; database: string }>(
        'SELECT inet_server_port() AS port, current_database() AS database',
      );
      const { port, database: name } = rows[0]!;
      io.out(`postgres://${ANALYST_ROLE}:${password}@127.0.0.1:${port}/${encodeURIComponent(name)}`);
      io.err(`${ANALYST_ROLE} can log in with this URL. ${reads}`);
      io.err(
        `It is valid while this embedded PostgreSQL (pid ${pid}) runs: it listens on a new port at every start, ` +
          'so run this command again after a restart.',
      );
      io.err(
        `${made ? 'A new password was made and kept' : 'The password is the one kept'} in ${analystPasswordFile(dataDir)} ` +
          `(mode 0600)${made ? '' : '; --rotate replaces it'}.`,
      );
    },
  };
}

export const analystUrl = analystUrlCommand();
