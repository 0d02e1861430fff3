// `npm run admin -- analyst add|password|remove|list`: one PostgreSQL login per analyst. Each login is a member of
// the shared read-only role skillswap_analyst (NOLOGIN, migrations 0006_moderation and 0013_analytics_views), which
// may SELECT the views of the `analytics` schema and nothing else (docs/read-models.md). Logins of their own mean
// that one analyst changing their password locks nobody else out, and that one analyst can be let go alone.
//
// Roles belong to the whole PostgreSQL server, not to one database: the names are `analyst_<name>` and `add`
// refuses a name that is taken. Setting a role's password, settings or membership needs a superuser, or CREATEROLE
// (and from PostgreSQL 16 the ADMIN OPTION on skillswap_analyst). The server receives only a SCRAM-SHA-256 verifier,
// never the password itself (nothing to leak into its log), and the password is stored nowhere: it is printed once.
//
// The URL. With DATABASE_URL it is that URL with the analyst's name and password. With the embedded server (no
// DATABASE_URL) it carries the port of the running server, which changes at every start: SkillSwap must be running,
// and after a restart an analyst keeps their password and only needs the new port (`analyst list` prints it).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type Config, loadConfig } from '../../infra/config.ts';
import type { PoolClient, Queryable } from '../../infra/db/index.ts';
import { type AdminIo, type CommandGroup, UsageError } from './dispatch.ts';

export const ANALYST_ROLE = 'skillswap_analyst';

/** What each analyst's login gets: the role's own settings do not pass to its members, so every login has them. */
export const ANALYST_SETTINGS = { statement_timeout: '60s', idle_in_transaction_session_timeout: '60s' };

const NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** The login role of an analyst. */
export const analystLogin = (name: string) => `analyst_${name}`;

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
  const verifier = `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
  // Utility statements take no parameters; the verifier is base64 and punctuation, nothing to quote.
  if (!/^[A-Za-z0-9+/=$:-]+$/.test(verifier)) throw new Error('unexpected characters in the SCRAM verifier');
  return verifier;
}

function checkedName(name: string | undefined): string {
  if (name === undefined) throw new UsageError('name the analyst');
  if (!NAME.test(name)) {
    throw new UsageError(
      `"${name}" is not an analyst name: lower-case letters, digits and _, starting with a letter, at most 40`,
    );
  }
  return name;
}

/** Why a role change failed, in words an operator can act on. */
function explained(err: unknown): unknown {
  const { code, message } = err as { code?: string; message: string };
  if (code === '42501') {
    return new Error(
      `the database user may not manage the analysts' logins (${message}). That needs a superuser, or a role with ` +
        `CREATEROLE (from PostgreSQL 16 also with the ADMIN OPTION on ${ANALYST_ROLE}).`,
    );
  }
  if (code === '2BP01') {
    return new Error(
      `${message}: the login was given something of its own (a privilege, an object) besides the shared role; ` +
        'run DROP OWNED BY <login> in each database it names, then remove it again',
    );
  }
  if (code === '42704' && message.includes(ANALYST_ROLE)) {
    return new Error(
      `the role ${ANALYST_ROLE} does not exist on this server: the migration 0006_moderation creates it`,
    );
  }
  return err;
}

type LoginState = 'missing' | 'analyst' | 'other';

/** Whether the login exists and is an analyst's (a member of the shared role), or some other role of the server. */
async function loginState(db: Queryable, login: string): Promise<LoginState> {
  const { rows } = await db.query<{ analyst: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid AND m.roleid = $2::regrole) AS analyst
       FROM pg_roles r WHERE r.rolname = $1`,
    [login, ANALYST_ROLE],
  );
  if (!rows[0]) return 'missing';
  return rows[0].analyst ? 'analyst' : 'other';
}

async function inTransaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw explained(err);
  }
}

/** Creates an analyst's login with a fresh password, all or nothing; returns the password. */
export async function addAnalyst(client: PoolClient, name: string): Promise<string> {
  const login = analystLogin(name);
  const state = await loginState(client, login);
  if (state === 'analyst') {
    throw new Error(
      `the analyst ${name} exists already (${login}): \`analyst password ${name}\` gives a new password`,
    );
  }
  if (state === 'other') {
    throw new Error(`the server has a role ${login} that is not an analyst's login: choose another name`);
  }
  const password = newPassword();
  const { rows } = await client.query<{ version: number; database: string }>(
    `SELECT current_setting('server_version_num')::int AS version, current_database() AS database`,
  );
  const { version, database } = rows[0]!;
  await inTransaction(client, async () => {
    await client.query(`CREATE ROLE ${login} LOGIN INHERIT PASSWORD '${scramVerifier(password)}'`);
    // From PostgreSQL 16 a membership can leave out SET ROLE: the login inherits what the role may read, but cannot
    // act as the role itself (and so cannot change the role's own password or settings).
    await client.query(
      version >= 160000
        ? `GRANT ${ANALYST_ROLE} TO ${login} WITH INHERIT TRUE, SET FALSE`
        : `GRANT ${ANALYST_ROLE} TO ${login}`,
    );
    for (const [setting, value] of Object.entries(ANALYST_SETTINGS)) {
      await client.query(`ALTER ROLE ${login} SET ${setting} = '${value}'`);
    }
    const note = `SkillSwap analyst ${name}, added ${new Date().toISOString().slice(0, 10)} from the database ${database}`;
    await client.query(`COMMENT ON ROLE ${login} IS '${note.replaceAll("'", "''")}'`);
  });
  return password;
}

/** A fresh password for an existing analyst's login; returns it. */
export async function renewAnalystPassword(client: PoolClient, name: string): Promise<string> {
  const login = analystLogin(name);
  if ((await loginState(client, login)) !== 'analyst') throw new Error(`there is no analyst ${name}`);
  const password = newPassword();
  await inTransaction(client, () =>
    client.query(`ALTER ROLE ${login} PASSWORD '${scramVerifier(password)}'`),
  );
  return password;
}

/**
 * Drops an analyst's login. It first loses its login and its open sessions are ended (where the database user may
 * end them), so nothing of it stays connected. Returns how many sessions were ended.
 */
export async function removeAnalyst(
  client: PoolClient,
  name: string,
): Promise<{ ended: number; left: number }> {
  const login = analystLogin(name);
  if ((await loginState(client, login)) !== 'analyst') throw new Error(`there is no analyst ${name}`);
  await inTransaction(client, () => client.query(`ALTER ROLE ${login} NOLOGIN`));
  const { rows } = await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE usename = $1',
    [login],
  );
  let ended = 0;
  for (const { pid } of rows) {
    const done = await client
      .query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid])
      .then((r) => r.rows[0]!.ok)
      .catch(() => false);
    if (done) ended++;
  }
  await inTransaction(client, () => client.query(`DROP ROLE ${login}`));
  return { ended, left: rows.length - ended };
}

export type AnalystListing = {
  name: string;
  login: string;
  canLogIn: boolean;
  sessions: number;
  note: string;
};

/** Every analyst's login on the server (of every SkillSwap database on it). */
export async function listAnalysts(db: Queryable): Promise<AnalystListing[]> {
  const { rows } = await db.query<AnalystListing>(
    `SELECT substr(r.rolname, 9) AS name, r.rolname AS login, r.rolcanlogin AS "canLogIn",
            (SELECT count(*)::int FROM pg_stat_activity a WHERE a.usename = r.rolname) AS sessions,
            coalesce(shobj_description(r.oid, 'pg_authid'), '') AS note
       FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid
      WHERE m.roleid = $1::regrole AND r.rolname LIKE 'analyst\\_%'
      ORDER BY r.rolname`,
    [ANALYST_ROLE],
  );
  return rows;
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

/** Where analysts connect: a URL without user and password, and what to say about how long it holds. */
async function serverAddress(
  config: Config,
  db: Queryable,
  pid: number | null,
): Promise<{ url: URL; note: string }> {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    url.searchParams.delete('user');
    url.searchParams.delete('password');
    return { url, note: 'The login belongs to the whole PostgreSQL server of DATABASE_URL.' };
  }
  const { rows } = await db.query<{ port: number; database: string }>(
    'SELECT inet_server_port() AS port, current_database() AS database',
  );
  const url = new URL(`postgres://127.0.0.1:${rows[0]!.port}/${encodeURIComponent(rows[0]!.database)}`);
  return {
    url,
    note:
      `The URL holds while this embedded PostgreSQL (pid ${pid}) runs: it listens on a new port at every start, ` +
      'so after a restart the password stays and `analyst list` prints the new port.',
  };
}

const urlFor = (address: URL, login: string, password: string) => {
  const url = new URL(address);
  url.username = login;
  url.password = password;
  return url.toString();
};

/**
 * With the embedded server, a URL needs the port of the running one: a PostgreSQL started for this command alone
 * would be gone (and the next one on another port) by the time anybody used it.
 */
function requireRunningServer(pid: number | null, dataDir: string) {
  if (pid === null) {
    throw new Error(
      `no PostgreSQL is running on ${dataDir}: start SkillSwap first (npm start), then run this command again ` +
        '(the embedded server listens on a new port at every start).',
    );
  }
}

function printUrl(io: AdminIo, url: string, name: string, note: string) {
  io.out(url);
  io.err(
    `The analyst ${name} can log in with this URL and read the views of the schema analytics (docs/read-models.md). ` +
      'The password is shown this once and stored nowhere; the analyst can change it (ALTER ROLE CURRENT_USER ' +
      `PASSWORD ...), or \`analyst password ${name}\` sets a new one. ${note}`,
  );
}

/** The command group; `config` is how it learns DATABASE_URL and DATA_DIR (the environment, unless a test says). */
export function analystCommand(config: () => Config = () => loadConfig()): CommandGroup {
  return {
    name: 'analyst',
    summary: "Analysts' logins: read-only SQL access to the analytics views (docs/read-models.md)",
    usage: ['analyst add <name>', 'analyst password <name>', 'analyst remove <name>', 'analyst list'],
    run: async (args, { io, database }) => {
      const [sub, nameArg, ...rest] = args;
      if (rest.length > 0 || (sub === 'list' && nameArg !== undefined)) {
        throw new UsageError(`analyst ${sub} takes ${sub === 'list' ? 'no' : 'one'} name`);
      }
      if (sub !== 'add' && sub !== 'password' && sub !== 'remove' && sub !== 'list') {
        throw new UsageError(
          sub === undefined ? 'analyst needs a command' : `unknown command "analyst ${sub}"`,
        );
      }
      const settings = config();
      const name = sub === 'list' ? '' : checkedName(nameArg);
      // Before connecting: without a running server, connecting starts one for this command alone.
      const embeddedPid = settings.databaseUrl ? null : await runningPostgres(settings.dataDir);
      const reachable = settings.databaseUrl !== undefined || embeddedPid !== null;
      if (!settings.databaseUrl && (sub === 'add' || sub === 'password'))
        requireRunningServer(embeddedPid, settings.dataDir);
      const { pool } = await database();
      const client = await pool.connect();
      try {
        const address = await serverAddress(settings, client, embeddedPid);
        switch (sub) {
          case 'add': {
            const password = await addAnalyst(client, name);
            return printUrl(io, urlFor(address.url, analystLogin(name), password), name, address.note);
          }
          case 'password': {
            const password = await renewAnalystPassword(client, name);
            io.err(`The earlier password of ${name} no longer logs in; open connections stay.`);
            return printUrl(io, urlFor(address.url, analystLogin(name), password), name, address.note);
          }
          case 'remove': {
            const { ended, left } = await removeAnalyst(client, name);
            io.out(`removed the analyst ${name} (${analystLogin(name)}): the login is gone`);
            if (ended > 0) io.out(`ended ${ended} open session${ended === 1 ? '' : 's'} of ${name}`);
            if (left > 0) {
              io.err(
                `${left} open session(s) of ${name} could not be ended by this database user: they end on disconnect`,
              );
            }
            return;
          }
          case 'list': {
            const analysts = await listAnalysts(client);
            if (analysts.length === 0) io.err('No analysts yet: `analyst add <name>` adds one.');
            for (const a of analysts) {
              const state = a.canLogIn
                ? `${a.sessions} open session${a.sessions === 1 ? '' : 's'}`
                : 'cannot log in';
              io.out(`${a.name}\t${a.login}\t${state}\t${a.note}`);
            }
            if (reachable) {
              const template = address.url.toString().replace('://', '://<login>:<password>@');
              io.err(`They connect to ${template}. ${address.note}`);
            }
            return;
          }
        }
      } finally {
        client.release();
      }
    },
  };
}

export const analyst = analystCommand();
