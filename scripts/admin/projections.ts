import cliProgress from 'cli-progress';
import {
  listSetAside,
  type ProjectionStatus,
  type Projector,
  projectionStatus,
  rebuildProjector,
  retrySetAside,
  type SetAsideEntry,
} from '../../infra/projections/index.ts';
import { consumersOf } from './database.ts';
import {
  type AdminIo,
  type CommandContext,
  type CommandGroup,
  parseCommandArgs,
  UsageError,
} from './dispatch.ts';

export const projections: CommandGroup = {
  name: 'projections',
  summary: 'Read models and reactors',
  usage: ['projections status', 'projections rebuild <name|--all>', 'projections retry <name>'],
  run: async (args, context) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'status':
        return showStatus(rest, context);
      case 'rebuild':
        return rebuild(rest, context);
      case 'retry':
        return retry(rest, context);
      case undefined:
        throw new UsageError('projections needs a command: status, rebuild or retry');
      default:
        throw new UsageError(`unknown command "projections ${sub}"`);
    }
  },
};

async function showStatus(args: string[], context: CommandContext) {
  parseCommandArgs(args, {}, false);
  const db = await context.database();
  const rows = await projectionStatus(db.pool, db.consumers);
  for (const line of statusTable(rows)) context.io.out(line);
  const setAside = await listSetAside(
    db.pool,
    db.consumers.map((c) => c.name),
  );
  if (setAside.length === 0) return;
  context.io.out('');
  context.io.out(
    `${setAside.length} event${setAside.length === 1 ? '' : 's'} set aside (not applied; after a fix, ` +
      '`npm run admin -- projections retry <name>` applies them again):',
  );
  for (const line of setAsideTable(setAside)) context.io.out(line);
}

/** Set-aside events as aligned columns, one line each, the error last. */
export function setAsideTable(entries: SetAsideEntry[]): string[] {
  return columns(
    ['PROJECTOR', 'POSITION', 'EVENT', 'STREAM', 'TRIES', 'LAST SEEN', 'ERROR'],
    entries.map((e) => [
      e.projector,
      String(e.globalPosition),
      e.type,
      `${e.streamId}@${e.streamVersion}`,
      String(e.tries),
      e.lastSeenAt.toISOString().replace(/\.\d+Z$/, 'Z'),
      oneLine(e.error, 100),
    ]),
  );
}

function columns(header: string[], cells: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [format(header), ...cells.map(format)];
}

/** The status as aligned text columns; an empty app still prints the header, so scripts can count on it. */
export function statusTable(rows: ProjectionStatus[]): string[] {
  const header = ['NAME', 'KIND', 'STATUS', 'POSITION', 'HEAD', 'LAG', 'SET ASIDE', 'LAST ERROR'];
  const cells = rows.map((r) => [
    r.name,
    r.kind,
    r.status === 'rebuilding' && r.rebuildPosition !== null
      ? `rebuilding (at ${r.rebuildPosition})`
      : r.status,
    String(r.position),
    String(r.headPosition),
    String(r.lag),
    String(r.setAside),
    // The live error first: it is what stops the projector now; a failed rebuild's stays until one succeeds.
    oneLine(r.lastError ?? r.rebuildError ?? '-'),
  ]);
  const lines = columns(header, cells);
  if (rows.length === 0) lines.push('(no projectors registered)');
  return lines;
}

function oneLine(text: string, max = 80) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The projectors a rebuild names; refuses unknown names and reactors before anything touches the database. */
export function rebuildTargets(args: string[], context: Pick<CommandContext, 'app'>): Projector[] {
  const { values, positionals } = parseCommandArgs(args, { all: { type: 'boolean' } }, true);
  const consumers = consumersOf(context.app);
  const readModels = consumers.filter((c): c is Projector => c.kind === 'read-model');
  if (values.all) {
    if (positionals.length > 0) throw new UsageError('give either a projector name or --all, not both');
    return readModels;
  }
  if (positionals.length !== 1) throw new UsageError('name one projector to rebuild, or --all');
  const name = positionals[0]!;
  const consumer = consumers.find((c) => c.name === name);
  if (!consumer) {
    const known = readModels.map((p) => p.name).join(', ') || 'none yet';
    throw new Error(`no projector named "${name}" (read models: ${known})`);
  }
  if (consumer.kind !== 'read-model') {
    throw new Error(`"${name}" is a reactor: its output is history, so it is never rebuilt`);
  }
  return [consumer];
}

/**
 * Rebuilds each target in turn. One that fails does not stop the others: each gets its line, and the command
 * fails at the end naming those that did not rebuild. A rebuild of the same projector already running (a job
 * from the admin page, say) is waited for, then this one runs.
 */
async function rebuild(args: string[], context: CommandContext) {
  const targets = rebuildTargets(args, context);
  if (targets.length === 0) {
    context.io.out('No read-model projectors to rebuild.');
    return;
  }
  const db = await context.database();
  const failed: string[] = [];
  for (const projector of targets) {
    const started = Date.now();
    try {
      const position = await withProgressBar(context.io, projector.name, (onProgress) =>
        rebuildProjector(db.pool, db.store, projector, onProgress, {
          wait: () =>
            context.io.err(`${projector.name}: another rebuild of it is running; waiting for it to end`),
        }),
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      context.io.out(`rebuilt ${projector.name} up to position ${position} in ${seconds} s`);
    } catch (err) {
      failed.push(projector.name);
      context.io.out(`FAILED ${projector.name}: ${oneLine((err as Error).message, 200)}`);
    }
  }
  if (failed.length > 0) {
    const rebuilt = targets.length - failed.length;
    throw new Error(
      `${failed.length} of ${targets.length} rebuilds failed (${failed.join(', ')}); ${rebuilt} rebuilt`,
    );
  }
}

/**
 * Applies a projector's or reactor's set-aside events again. Exit 0 when none is left; 1 when some still fail
 * (each listed with its error).
 */
async function retry(args: string[], context: CommandContext) {
  const { positionals } = parseCommandArgs(args, {}, true);
  if (positionals.length !== 1) throw new UsageError('name the projector (or reactor) whose events to retry');
  const name = positionals[0]!;
  const consumer = consumersOf(context.app).find((c) => c.name === name);
  if (!consumer) throw new Error(`no projector or reactor named "${name}"`);
  const db = await context.database();
  const reactorContext = consumer.kind === 'reactor' ? await db.reactorContext() : undefined;
  const { applied, failing } = await retrySetAside(db.pool, db.store, consumer, reactorContext);
  if (applied.length === 0 && failing.length === 0) {
    context.io.out(`${name} has no set-aside events.`);
    return;
  }
  for (const e of applied) context.io.out(`applied ${e.type} at position ${e.globalPosition}`);
  if (failing.length === 0) {
    context.io.out(`${name}: all ${applied.length} set-aside events applied.`);
    return;
  }
  context.io.out(`${name}: ${applied.length} applied, ${failing.length} still failing:`);
  for (const line of setAsideTable(failing)) context.io.out(line);
  throw new Error(
    `${failing.length} set-aside event${failing.length === 1 ? '' : 's'} of ${name} still fail`,
  );
}

/** Runs a rebuild behind a bar of log positions (the head is fixed when the rebuild starts reading). */
async function withProgressBar(
  io: AdminIo,
  name: string,
  work: (onProgress: (p: { position: number; headPosition: number }) => void) => Promise<void>,
): Promise<number> {
  const bar = new cliProgress.SingleBar(
    {
      format: `${name} [{bar}] {percentage}% | position {value}/{total}`,
      stream: io.progress,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let last = 0;
  let started = false;
  try {
    await work(({ position, headPosition }) => {
      last = position;
      // Started on the first report: before it the head is unknown, and a bar of 0/0 would show 100%.
      if (!started) bar.start(headPosition, position);
      started = true;
      bar.setTotal(headPosition);
      bar.update(position);
    });
  } finally {
    if (started) bar.stop();
  }
  return last;
}
