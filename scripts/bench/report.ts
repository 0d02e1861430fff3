// The results: a verdict per target (printed as a table), and docs/BENCHMARKS.md in full mode. The document is
// regenerated from the figures each time; the hand-written analysis between the NOTES markers is kept.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { AppendRow, System } from './append.ts';
import type { HttpRow, PageWeight } from './http.ts';
import type { LagFigures } from './lag.ts';
import type { Plan } from './explain.ts';
import type { RebuildResult } from './rebuild.ts';
import { fmt, ratio } from './stats.ts';

export type Generation = { events: number; seconds: number; eventsPerSecond: number; members: number; mentors: number; upcoming: number; appends: number; transactions: number };

export type Results = {
  mode: 'quick' | 'full';
  machine: { cpus: number; cpu: string; memoryGb: number; node: string; postgres: string; server: string };
  load: { before: number[]; after: number[] };
  durationSeconds: number;
  generation: Generation[];
  append: AppendRow[];
  rebuild: { events: number; result: RebuildResult }[];
  lag: LagFigures | null;
  http: HttpRow[];
  weights: PageWeight[];
  plans: Plan[];
};

type Verdict = { target: string; measured: string; pass: boolean };

export const machine = (postgres: string, server: string) => ({
  cpus: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  postgres,
  server,
});

const cell = (rows: AppendRow[], writers: number, mode: string, system: System) =>
  rows.find((r) => r.writers === writers && r.mode === mode && r.system === system);

export function verdicts(r: Results): Verdict[] {
  const out: Verdict[] = [];
  for (const writers of [8, 32]) {
    const [s, b, e] = (['store', 'bare', 'emmett'] as const).map((sys) => cell(r.append, writers, 'distinct', sys));
    if (!s || !b || !e) continue;
    const vsBare = ratio(s.eventsPerSecond, b.eventsPerSecond);
    out.push({ target: `append, ${writers} writers: ≥ 0.8 of bare INSERT`, measured: fmt(vsBare), pass: vsBare >= 0.8 });
    const vsPeer = ratio(s.eventsPerSecond, e.eventsPerSecond);
    out.push({ target: `append, ${writers} writers: ≥ 1.2× emmett`, measured: `${fmt(vsPeer)}×`, pass: vsPeer >= 1.2 });
  }
  const largest = r.rebuild[r.rebuild.length - 1];
  if (largest) {
    const { rows, sequentialRead } = largest.result;
    const slowest = rows.reduce((a, b) => (b.eventsPerSecond < a.eventsPerSecond ? b : a));
    out.push({
      target: `rebuild (${largest.events.toLocaleString('en-US')} events): every projector ≥ 50,000 ev/s`,
      measured: `slowest ${slowest.name} ${fmt(slowest.eventsPerSecond)}`,
      pass: slowest.eventsPerSecond >= 50_000,
    });
    const share = ratio(slowest.eventsPerSecond, sequentialRead.eventsPerSecond);
    out.push({ target: 'rebuild: ≥ 0.25 of a sequential read', measured: `slowest ${fmt(share)}`, pass: share >= 0.25 });
  }
  if (r.lag) {
    out.push({ target: `lag p99 < 100 ms at ${r.lag.rate} ev/s`, measured: `${fmt(r.lag.p99)} ms`, pass: r.lag.p99 < 100 });
  }
  const trivial = r.http.find((h) => h.name.startsWith('trivial'));
  for (const h of r.http.filter((x) => x.kind === 'api')) {
    const share = trivial ? ratio(h.requestsPerSecond, trivial.requestsPerSecond) : Number.NaN;
    out.push({
      target: `${h.name}: p99 < 20 ms, ≥ 0.3 of trivial req/s`,
      measured: `p99 ${fmt(h.p99)} ms, ${fmt(share)}`,
      pass: h.p99 < 20 && share >= 0.3 && h.errors === 0,
    });
  }
  for (const h of r.http.filter((x) => x.kind === 'page')) {
    out.push({ target: `${h.name}: p99 < 50 ms`, measured: `${fmt(h.p99)} ms`, pass: h.p99 < 50 && h.errors === 0 });
  }
  for (const w of r.weights) {
    const kb = w.withImports / 1024;
    out.push({ target: `JS of ${w.page.startsWith('/users/') ? '/users/:id' : w.page}: ≤ 50 kB gzip`, measured: `${fmt(kb)} kB`, pass: kb <= 50 });
  }
  return out;
}

export function printSummary(r: Results) {
  console.log('\nTargets');
  console.table(verdicts(r).map((v) => ({ target: v.target, measured: v.measured, met: v.pass ? 'yes' : 'NO' })));
}

const row = (cells: (string | number)[]) => `| ${cells.map((c) => (typeof c === 'number' ? fmt(c) : c)).join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

function appendSection(rows: AppendRow[]) {
  const lines: (string | number)[][] = [];
  for (const mode of ['distinct', 'hot']) {
    for (const writers of [...new Set(rows.map((x) => x.writers))]) {
      const [b, s, e] = (['bare', 'store', 'emmett'] as const).map((sys) => cell(rows, writers, mode, sys)!);
      if (!b || !s || !e) continue;
      lines.push([mode, writers, b.eventsPerSecond, s.eventsPerSecond, e.eventsPerSecond, ratio(s.eventsPerSecond, b.eventsPerSecond),
        ratio(s.eventsPerSecond, e.eventsPerSecond), `${fmt(b.p50)} / ${fmt(b.p99)}`, `${fmt(s.p50)} / ${fmt(s.p99)}`,
        `${fmt(e.p50)} / ${fmt(e.p99)}${e.retries ? ` (${Math.round(e.retries)} retries)` : ''}`]);
    }
  }
  return table(['streams', 'writers', 'bare ev/s', 'store ev/s', 'emmett ev/s', 'store / bare', 'store / emmett',
    'bare p50 / p99 ms', 'store p50 / p99 ms', 'emmett p50 / p99 ms'], lines);
}

function rebuildSection(r: Results) {
  return r.rebuild
    .map(({ events, result }) => {
      const seq = result.sequentialRead.eventsPerSecond;
      const lines: (string | number)[][] = result.rows.map((x) => [x.name, x.handled, x.seconds, x.eventsPerSecond, ratio(x.eventsPerSecond, seq)]);
      lines.push(['**all, one after another**', '', result.all.seconds, result.all.eventsPerSecond, ratio(result.all.eventsPerSecond, seq)]);
      lines.push(['*limit: sequential read of the events table*', '', result.sequentialRead.seconds, seq, 1]);
      lines.push(['*read + decode (store.readAll, no projector)*', '', result.decodedRead.seconds, result.decodedRead.eventsPerSecond, ratio(result.decodedRead.eventsPerSecond, seq)]);
      return `#### ${events.toLocaleString('en-US')} events\n\n${table(['projector', 'events handled', 'seconds', 'log events/s', 'of sequential read'], lines)}`;
    })
    .join('\n\n');
}

function httpSection(r: Results) {
  const trivial = r.http.find((h) => h.name.startsWith('trivial'));
  return table(
    ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'of trivial req/s', 'errors'],
    r.http.map((h) => [h.name, h.requestsPerSecond, h.p50, h.p99, trivial ? ratio(h.requestsPerSecond, trivial.requestsPerSecond) : '–', h.errors]),
  );
}

const NOTES_BEGIN = '<!-- BEGIN NOTES: kept when the bench rewrites this file -->';
const NOTES_END = '<!-- END NOTES -->';

export function writeDocument(path: string, r: Results) {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const kept = previous.includes(NOTES_BEGIN) ? previous.slice(previous.indexOf(NOTES_BEGIN), previous.indexOf(NOTES_END) + NOTES_END.length) : `${NOTES_BEGIN}\n\n${NOTES_END}`;
  const m = r.machine;
  const doc = `# Benchmarks

Generated by \`npm run bench\` (full mode) on ${new Date().toISOString().slice(0, 10)}; \`npm run bench -- --quick\` runs a small
version in CI. Every figure is the median of several runs; ratios are between figures measured in the same run.

## Machine

${table(['', ''], [
  ['CPU', `${m.cpus} × ${m.cpu}`], ['memory', `${m.memoryGb} GB`], ['Node.js', m.node], ['PostgreSQL', `${m.postgres} (${m.server})`],
  ['load average (1/5/15 min) before', r.load.before.map((x) => x.toFixed(1)).join(' / ')],
  ['load average after', r.load.after.map((x) => x.toFixed(1)).join(' / ')], ['whole run', `${Math.round(r.durationSeconds / 60)} min`],
])}

## Targets

${table(['target', 'measured', 'met'], verdicts(r).map((v) => [v.target, v.measured, v.pass ? 'yes' : '**no**']))}

${kept}

## Generated data

${table(['events', 'members', 'mentors', 'upcoming sessions', 'appends', 'transactions', 'seconds', 'events/s'],
  r.generation.map((g) => [g.events, g.members, g.mentors, g.upcoming, g.appends, g.transactions, g.seconds, g.eventsPerSecond]))}

## 1. Append

One event per append; latencies per append call. bare = plain INSERT of the same row (the limit), store = SkillSwap's
event store, emmett = @event-driven-io/emmett-postgresql, all on the same connections, on empty tables.

${appendSection(r.append)}

## 2. Rebuild

Each read-model projector rebuilt from the whole log (\`rebuildProjector\`); log events/s = events in the log / seconds.

${rebuildSection(r)}

## 3. Projection lag

${r.lag ? table(['offered ev/s', 'achieved ev/s', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'append p99 ms'], [[r.lag.rate, r.lag.achievedRate, r.lag.p50, r.lag.p99, r.lag.max, r.lag.appendP99]]) : 'not run'}

## 4. HTTP (50 connections, signed out)

${httpSection(r)}

JavaScript per page (gzip): ${r.weights.map((w) => `\`${w.page.startsWith('/users/') ? '/users/:id' : w.page}\` ${fmt(w.referenced / 1024)} kB referenced by the HTML, ${fmt(w.withImports / 1024)} kB with the chunks they import (${w.files} files)`).join('; ') || 'not measured'}.

## EXPLAIN (ANALYZE, BUFFERS) of each read endpoint's main query

${r.plans.map((p) => `### ${p.endpoint} (${fmt(p.executionMs)} ms)\n\n\`\`\`sql\n${p.sql}\n\`\`\`\n\n\`\`\`\n${p.plan}\n\`\`\``).join('\n\n')}
`;
  writeFileSync(path, doc);
}
