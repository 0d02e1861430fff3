import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../infra/platform.ts';
import type { Projector, Reactor } from '../../infra/projections/index.ts';
import { type AdminIo, type CommandGroup, runAdmin } from './dispatch.ts';
import { projections, statusTable } from './projections.ts';

const noteCounts: Projector = {
  name: 'note_counts',
  kind: 'read-model',
  tables: [],
  eventTypes: [],
  handle: async () => {},
};
const notePoints: Reactor = { name: 'note_points', kind: 'reactor', eventTypes: [], handle: async () => {} };
const app: AppDefinition = {
  modules: [{ name: 'notes', events: [], consumers: [notePoints] }],
  readModels: [noteCounts],
  authenticate: () => async () => null,
};

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: new PassThrough() };
  return { io, out, err };
}

/** The dispatcher with a database that must never be reached: these are all decided from the arguments. */
async function run(argv: string[], groups: CommandGroup[] = [projections]) {
  const { io, out, err } = capture();
  let connected = 0;
  const code = await runAdmin(argv, {
    groups,
    app,
    io,
    connect: async () => {
      connected++;
      throw new Error('connect was called');
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n'), connected };
}

describe('admin command dispatch', () => {
  it('given no command, prints the help on stderr and exits 1', async () => {
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('npm run admin -- projections status');
  });

  it('given help, lists every command of every group and exits 0', async () => {
    const r = await run(['help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('npm run admin -- projections status');
    expect(r.out).toContain('npm run admin -- projections rebuild <name|--all>');
    expect(r.connected).toBe(0);
  });

  it('given help for a group or --help after it, prints that group only', async () => {
    for (const argv of [
      ['help', 'projections'],
      ['projections', '--help'],
      ['projections', 'rebuild', '-h'],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^usage:/);
      expect(r.out).toContain('projections rebuild');
    }
  });

  it('given an unknown command, names it and exits 1 without connecting', async () => {
    const r = await run(['frobnicate', 'now']);
    expect(r).toMatchObject({ code: 1, connected: 0 });
    expect(r.err).toContain('unknown command "frobnicate"');
    expect((await run(['help', 'frobnicate'])).code).toBe(1);
  });

  it('given a bad projections command line, answers with the usage and exits 1 without connecting', async () => {
    const cases: [string[], RegExp][] = [
      [['projections'], /needs a command/],
      [['projections', 'replay'], /unknown command "projections replay"/],
      [['projections', 'status', 'extra'], /extra/],
      [['projections', 'rebuild'], /name one projector/],
      [['projections', 'rebuild', 'a', 'b'], /name one projector/],
      [['projections', 'rebuild', 'note_counts', '--all'], /not both/],
      [['projections', 'rebuild', '--bogus'], /bogus/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r, argv.join(' ')).toMatchObject({ code: 1, connected: 0 });
      expect(r.err).toMatch(message);
      expect(r.err).toContain('usage:');
    }
  });

  it('given an unknown projector or a reactor to rebuild, refuses it by name and exits 1', async () => {
    const unknown = await run(['projections', 'rebuild', 'nope']);
    expect(unknown).toMatchObject({ code: 1, connected: 0 });
    expect(unknown.err).toContain('no projector named "nope" (read models: note_counts)');
    const reactor = await run(['projections', 'rebuild', 'note_points']);
    expect(reactor).toMatchObject({ code: 1, connected: 0 });
    expect(reactor.err).toContain('"note_points" is a reactor');
  });

  it('given a valid command, connects once and reports a failure to connect as exit 1', async () => {
    const r = await run(['projections', 'status']);
    expect(r).toMatchObject({ code: 1, connected: 1 });
    expect(r.err).toContain('error: connect was called');
  });

  it('dispatches to the named group with the remaining arguments and closes the database after it', async () => {
    const seen: string[][] = [];
    let closed = 0;
    const group: CommandGroup = {
      name: 'roles',
      summary: 'Roles',
      usage: ['roles grant <email> <role>'],
      run: async (args, context) => {
        seen.push(args);
        await context.database();
        await context.database();
      },
    };
    const { io } = capture();
    let connects = 0;
    const code = await runAdmin(['roles', 'grant', 'a@example.com', 'admin'], {
      groups: [group],
      app,
      io,
      connect: async () => {
        connects++;
        return { close: async () => void closed++ } as never;
      },
    });
    expect(code).toBe(0);
    expect(seen).toEqual([['grant', 'a@example.com', 'admin']]);
    expect({ connects, closed }).toEqual({ connects: 1, closed: 1 });
  });
});

describe('projection status table', () => {
  it('aligns the columns and flattens the last error to one line', () => {
    const lines = statusTable([
      {
        name: 'member_profiles',
        kind: 'read-model',
        status: 'failing',
        position: 7,
        headPosition: 12,
        lag: 5,
        rebuildPosition: null,
        lastError: 'column "x"\n does not exist',
        setAside: 2,
        rebuildError: null,
      },
      {
        name: 'points',
        kind: 'reactor',
        status: 'rebuilding',
        position: 12,
        headPosition: 12,
        lag: 0,
        rebuildPosition: 3,
        lastError: null,
        setAside: 0,
        rebuildError: null,
      },
      {
        name: 'reviews',
        kind: 'read-model',
        status: 'running',
        position: 12,
        headPosition: 12,
        lag: 0,
        rebuildPosition: null,
        lastError: null,
        setAside: 0,
        rebuildError: 'rebuild failed: relation "x" does not exist',
      },
    ]);
    expect(lines).toEqual([
      'NAME             KIND        STATUS             POSITION  HEAD  LAG  SET ASIDE  LAST ERROR',
      'member_profiles  read-model  failing            7         12    5    2          column "x" does not exist',
      'points           reactor     rebuilding (at 3)  12        12    0    0          -',
      'reviews          read-model  running            12        12    0    0          rebuild failed: relation "x" does not exist',
    ]);
  });

  it('prints the header even when no projector is registered', () => {
    expect(statusTable([])).toEqual([
      'NAME  KIND  STATUS  POSITION  HEAD  LAG  SET ASIDE  LAST ERROR',
      '(no projectors registered)',
    ]);
  });
});
