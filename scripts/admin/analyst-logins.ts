// The analysts' logins: one PostgreSQL role per analyst, `analyst_<name>`, a member of the shared read-only role
// skillswap_analyst (NOLOGIN, migrations 0006_moderation and 0013_analytics_views), which may SELECT the views of
// the `analytics` schema and nothing else (docs/read-models.md). Logins of their own mean that one analyst changing
// their password locks nobody else out, and that one analyst can be let go alone.
//
// Roles belong to the whole PostgreSQL server, not to one database: `add` refuses a name that is taken, and never
// touches a role that is not an analyst's login. Setting a role's password, settings or membership needs a
// superuser, or CREATEROLE (and from PostgreSQL 16 the ADMIN OPTION on skillswap_analyst). The server receives only
// a SCRAM-SHA-256 verifier, never the password itself (nothing to leak into its log), and the password is stored
// nowhere: it is printed once.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { PoolClient, Queryable } from '../../infra/db/index.ts';
import { UsageError } from './dispatch.ts';

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

export function checkedName(name: string | undefined): string {
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
