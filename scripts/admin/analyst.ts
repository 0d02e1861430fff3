// `npm run admin -- analyst add|password|remove|list`: the analysts' logins (analyst-logins.ts), and the URL each
// analyst connects with. With DATABASE_URL it is that URL with the analyst's name and password. With the embedded
// server (no DATABASE_URL) it carries the port of the running server, which changes at every start: SkillSwap must
// be running, and after a restart an analyst keeps their password and only needs the new port (`analyst list`
// prints it).
import fs from 'node:fs/promises';
import path from 'node:path';
import { type Config, loadConfig } from '../../infra/config.ts';
import type { Queryable } from '../../infra/db/index.ts';
import {
  addAnalyst,
  analystLogin,
  checkedName,
  listAnalysts,
  removeAnalyst,
  renewAnalystPassword,
} from './analyst-logins.ts';
import { type AdminIo, type CommandGroup, UsageError } from './dispatch.ts';

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
