import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { AppDefinition } from '../../infra/platform.ts';
import type { AdminDatabase } from './database.ts';

/** Where a command writes: results on `out`, messages on `err`, progress bars on `progress`. */
export type AdminIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  /** A bar draws only when this is a terminal, so pipes and logs get the summary lines alone. */
  progress: NodeJS.WritableStream;
};

export type CommandContext = {
  app: AppDefinition;
  io: AdminIo;
  /** Connects on first call (and the dispatcher closes it): help and bad arguments never touch the database. */
  database: () => Promise<AdminDatabase>;
};

/** One group of commands (`projections`, `roles`, ...), kept in a file of its own under scripts/admin/. */
export type CommandGroup = {
  name: string;
  summary: string;
  /** One line per command, without the `npm run admin --` prefix. */
  usage: string[];
  run: (args: string[], context: CommandContext) => Promise<void>;
};

/** A mistake in the command line itself: the dispatcher answers with the group's usage. */
export class UsageError extends Error {}

const PREFIX = 'npm run admin --';

export function terminalIo(): AdminIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    progress: process.stderr,
  };
}

/** parseArgs whose complaints (unknown option, stray argument) become usage errors rather than stack traces. */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(
  args: string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function printHelp(groups: CommandGroup[], write: (line: string) => void) {
  write(`SkillSwap administration. Usage: ${PREFIX} <command>`);
  write('It connects like the server: DATABASE_URL if set, else the PostgreSQL under DATA_DIR,');
  write('also while the server runs there.');
  write('');
  for (const group of groups) {
    write(`${group.summary}:`);
    for (const line of group.usage) write(`  ${PREFIX} ${line}`);
  }
  write('');
  write(`  ${PREFIX} help [command]`);
}

function printUsage(group: CommandGroup, write: (line: string) => void) {
  write('usage:');
  for (const line of group.usage) write(`  ${PREFIX} ${line}`);
}

/**
 * Runs one admin command and returns the process exit code: 0 when it did its work, 1 for an unknown command,
 * a bad argument or a failure (each with a one-line reason on stderr).
 */
export async function runAdmin(
  argv: string[],
  options: {
    groups: CommandGroup[];
    app: AppDefinition;
    io: AdminIo;
    connect: () => Promise<AdminDatabase>;
  },
): Promise<number> {
  const { groups, io } = options;
  const [name, ...rest] = argv;
  if (name === undefined) {
    printHelp(groups, io.err);
    return 1;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] === undefined ? undefined : groups.find((g) => g.name === rest[0]);
    if (rest[0] !== undefined && !topic) return unknownCommand(rest[0], io);
    if (topic) printUsage(topic, io.out);
    else printHelp(groups, io.out);
    return 0;
  }
  const group = groups.find((g) => g.name === name);
  if (!group) return unknownCommand(name, io);
  if (rest.includes('--help') || rest.includes('-h')) {
    printUsage(group, io.out);
    return 0;
  }

  const opened: { db?: Promise<AdminDatabase> } = {};
  const context: CommandContext = {
    app: options.app,
    io,
    database: () => {
      opened.db ??= options.connect();
      return opened.db;
    },
  };
  try {
    await group.run(rest, context);
    return 0;
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    if (err instanceof UsageError) printUsage(group, io.err);
    return 1;
  } finally {
    const db = await opened.db?.catch(() => null);
    await db?.close().catch((err: Error) => io.err(`warning: closing the database failed: ${err.message}`));
  }
}

function unknownCommand(name: string, io: AdminIo): number {
  io.err(`error: unknown command "${name}"`);
  io.err(`Run "${PREFIX} help" for the list of commands.`);
  return 1;
}
