import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Projector } from '../../infra/projections/index.ts';
import {
  type AdminIo,
  type CommandContext,
  type CommandGroup,
  parseCommandArgs,
  UsageError,
} from './dispatch.ts';
import { exportEvents } from './event-log-file.ts';
import { importEvents } from './event-log-import.ts';

/** `events export <file>` and `events import <file>`: a backup of the source of truth, and its restore. */
export const events: CommandGroup = {
  name: 'events',
  summary: 'Back up and restore the event log (NDJSON, one event per line)',
  usage: [
    'events export <file> [--keys <key-file>]',
    'events import <file> [--keys <key-file> | --without-keys]',
  ],
  run: async (args, context) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'export':
        return exportCommand(fileArguments(rest, 'export'), context);
      case 'import':
        return importCommand(fileArguments(rest, 'import'), context);
      case undefined:
        throw new UsageError('events needs a command: export or import');
      default:
        throw new UsageError(`unknown command "events ${sub}"`);
    }
  },
};

type Files = { file: string; keysFile: string | undefined; withoutKeys: boolean };

function fileArguments(args: string[], command: 'export' | 'import'): Files {
  const { values, positionals } = parseCommandArgs(
    args,
    { keys: { type: 'string' }, 'without-keys': { type: 'boolean' } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError(`events ${command} takes one file name`);
  const withoutKeys = values['without-keys'] === true;
  if (withoutKeys && (command === 'export' || values.keys !== undefined)) {
    throw new UsageError('--without-keys is for an import without --keys');
  }
  // npm runs scripts from the package root; INIT_CWD is where the operator typed the command.
  const resolve = (name: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), name);
  const keysFile = values.keys === undefined ? undefined : resolve(values.keys);
  return { file: resolve(positionals[0]!), keysFile, withoutKeys };
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function exportCommand({ file, keysFile }: Files, context: CommandContext) {
  const db = await context.database();
  const started = Date.now();
  const bar = progressBar(context.io, 'export [{bar}] {percentage}% | {value}/{total} events');
  let exported: Awaited<ReturnType<typeof exportEvents>>;
  try {
    exported = await exportEvents(db.pool, file, { keysFile, onProgress: bar.update });
  } finally {
    bar.stop();
  }
  const { events: count, head, keys, keysLeftOut } = exported;
  context.io.out(`exported ${count} events (up to position ${head}) to ${file} in ${seconds(started)}`);
  if (keysFile)
    context.io.out(`exported ${keys} personal-data keys to ${keysFile}: keep it apart from the log`);
  if (keysLeftOut > 0) {
    context.io.out(
      `${keysLeftOut} personal-data keys are not in the export: without them a restore shows every member as ` +
        'erased (back them up, apart from the log, with --keys <file>)',
    );
  }
}

async function importCommand({ file, keysFile, withoutKeys }: Files, context: CommandContext) {
  const db = await context.database();
  const started = Date.now();
  const readModels = db.consumers.filter((c): c is Projector => c.kind === 'read-model');
  const reactors = db.consumers.filter((c) => c.kind === 'reactor').map((c) => c.name);
  const bar = progressBar(context.io, 'import [{bar}] {percentage}%');
  let imported: Awaited<ReturnType<typeof importEvents>>;
  try {
    imported = await importEvents(db.pool, file, {
      store: db.store,
      readModels,
      reactors,
      upgrades: db.upgrades,
      keysFile,
      withoutKeys,
      onProgress: bar.update,
    });
  } finally {
    bar.stop();
  }
  context.io.out(
    `imported ${imported.events} events (up to position ${imported.head}) from ${file} in ${seconds(started)}`,
  );
  if (keysFile) context.io.out(`imported ${imported.keys} personal-data keys from ${keysFile}`);
  for (const [name, count] of imported.projected) context.io.out(`projected ${count} events into ${name}`);
  if (reactors.length > 0) {
    context.io.out(
      `reactors (${reactors.join(', ')}) continue after position ${imported.head}: past reactions are not run again`,
    );
  }
}

/** A bar on the progress stream (drawn only on a terminal), started on the first report, when the total is known. */
function progressBar(io: AdminIo, format: string) {
  const bar = new cliProgress.SingleBar(
    { format, stream: io.progress, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update: (value: number, total: number) => {
      if (stopped) return;
      if (!started) bar.start(total, value);
      started = true;
      bar.setTotal(total);
      bar.update(value);
    },
    stop: () => {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
