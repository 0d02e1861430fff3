import cliProgress from 'cli-progress';
import {
  type ProjectionStatus,
  type Projector,
  projectionStatus,
  rebuildProjector,
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
  usage: ['projections status', 'projections rebuild <name|--all>'],
  run: async (args, context) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'status':
        return showStatus(rest, context);
      case 'rebuild':
        return rebuild(rest, context);
      case undefined:
        throw new UsageError('projections needs a command: status or rebuild');
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
}

/** The status as aligned text columns; an empty app still prints the header, so scripts can count on it. */
export function statusTable(rows: ProjectionStatus[]): string[] {
  const header = ['NAME', 'KIND', 'STATUS', 'POSITION', 'HEAD', 'LAG', 'LAST ERROR'];
  const cells = rows.map((r) => [
    r.name,
    r.kind,
    r.status === 'rebuilding' && r.rebuildPosition !== null
      ? `rebuilding (at ${r.rebuildPosition})`
      : r.status,
    String(r.position),
    String(r.headPosition),
    String(r.lag),
    oneLine(r.lastError ?? '-'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [format(header), ...cells.map(format)];
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

async function rebuild(args: string[], context: CommandContext) {
  const targets = rebuildTargets(args, context);
  if (targets.length === 0) {
    context.io.out('No read-model projectors to rebuild.');
    return;
  }
  const db = await context.database();
  for (const projector of targets) {
    const started = Date.now();
    const position = await withProgressBar(context.io, projector.name, (onProgress) =>
      rebuildProjector(db.pool, db.store, projector, onProgress),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    context.io.out(`rebuilt ${projector.name} up to position ${position} in ${seconds} s`);
  }
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
