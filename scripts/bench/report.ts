// The results and a verdict per target, printed as a table; document.ts writes them to docs/BENCHMARKS.md.
import os from 'node:os';
import type { AppendRow, System } from './append.ts';
import type { Plan } from './explain.ts';
import type { HttpRow, PageWeight } from './http.ts';
import type { LagFigures } from './lag.ts';
import type { MixResult, MixStep } from './mix.ts';
import type { RebuildResult } from './rebuild.ts';
import { fmt, fmtShare, ratio } from './stats.ts';

export type Generation = {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  members: number;
  mentors: number;
  upcoming: number;
  appends: number;
  transactions: number;
};

export type Results = {
  mode: 'quick' | 'full';
  machine: { cpus: number; cpu: string; memoryGb: number; node: string; postgres: string; server: string };
  load: { before: number[]; after: number[] };
  durationSeconds: number;
  generation: Generation[];
  append: AppendRow[];
  rebuild: { events: number; result: RebuildResult }[];
  lag: LagFigures[];
  http: HttpRow[];
  weights: PageWeight[];
  plans: Plan[];
  mix: MixResult | null;
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

export const cell = (rows: AppendRow[], writers: number, mode: string, system: System) =>
  rows.find((r) => r.writers === writers && r.mode === mode && r.system === system);

/** The member mix's target: the share of the trivial route's rate that signed-in members get, held. */
export const MIX_TARGET = 0.05;

/** Signed-in API reads and pages: their shares of the trivial route's rate (issue 15). */
export const SIGNED_IN_API_TARGET = 0.25;
export const SIGNED_IN_PAGE_TARGET = 0.05;

/** The highest offered rate that was held (achieved, p99 < 100 ms, no errors, no read-your-writes timeout). */
export function highestHeld(mix: MixResult): MixStep | null {
  return mix.steps
    .filter((s) => s.held)
    .reduce<MixStep | null>((a, b) => (a && a.offered > b.offered ? a : b), null);
}

export function verdicts(r: Results): Verdict[] {
  const out: Verdict[] = [];
  for (const writers of [8, 32]) {
    const [s, b, e] = (['store', 'bare', 'emmett'] as const).map((sys) =>
      cell(r.append, writers, 'distinct', sys),
    );
    if (!s || !b || !e) continue;
    const vsBare = ratio(s.eventsPerSecond, b.eventsPerSecond);
    out.push({
      target: `append, ${writers} writers: ≥ 0.8 of bare INSERT`,
      measured: fmt(vsBare),
      pass: vsBare >= 0.8,
    });
    const vsPeer = ratio(s.eventsPerSecond, e.eventsPerSecond);
    out.push({
      target: `append, ${writers} writers: ≥ 1.2× emmett`,
      measured: `${fmt(vsPeer)}×`,
      pass: vsPeer >= 1.2,
    });
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
    out.push({
      target: 'rebuild: ≥ 0.25 of a sequential read',
      measured: `slowest ${fmt(share)}`,
      pass: share >= 0.25,
    });
  }
  for (const lag of r.lag.filter((l) => l.rate === 500)) {
    out.push({
      target: `lag p99 < 100 ms at ${lag.rate} ev/s`,
      measured: `${fmt(lag.p99)} ms`,
      pass: lag.p99 < 100,
    });
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
    out.push({
      target: `${h.name}: p99 < 50 ms`,
      measured: `${fmt(h.p99)} ms`,
      pass: h.p99 < 50 && h.errors === 0,
    });
  }
  // Signed-in members are never answered from the public cache: each request looks its session up, runs its
  // queries and serialises (issue 15's targets).
  for (const h of r.http.filter((x) => x.kind === 'signed-in')) {
    const share = trivial ? ratio(h.requestsPerSecond, trivial.requestsPerSecond) : Number.NaN;
    const page = !h.path.startsWith('/api/');
    const least = page ? SIGNED_IN_PAGE_TARGET : SIGNED_IN_API_TARGET;
    out.push({
      target: `${h.name}: ≥ ${least} of trivial req/s${page ? ', p99 < 50 ms' : ''}`,
      measured: `${fmt(share)}${page ? `, p99 ${fmt(h.p99)} ms` : ''}`,
      pass: share >= least && (!page || h.p99 < 50) && h.errors === 0,
    });
  }
  if (r.mix) {
    const held = highestHeld(r.mix);
    const heldShare = held ? ratio(held.offered, r.mix.trivialRate) : 0;
    const lowest = r.mix.steps[0];
    out.push({
      target: `member mix: held at ≥ ${MIX_TARGET} of the trivial route's rate with p99 < 100 ms and zero read-your-writes timeouts`,
      measured: held
        ? `${fmtShare(heldShare)} (${fmt(held.offered)} ops/s, p99 ${fmt(held.p99)} ms)`
        : `none held (${lowest ? `${fmt(lowest.offered)} ops/s: p99 ${fmt(lowest.p99)} ms, ${lowest.rywTimeouts} timeouts` : 'not run'})`,
      pass: heldShare >= MIX_TARGET,
    });
  }
  for (const w of r.weights) {
    const kb = w.withImports / 1024;
    out.push({
      target: `JS of ${w.page.startsWith('/users/') ? '/users/:id' : w.page}: ≤ 50 kB gzip`,
      measured: `${fmt(kb)} kB`,
      pass: kb <= 50,
    });
  }
  return out;
}

export function printSummary(r: Results) {
  if (r.mix) {
    console.log(
      `\nMember mix: ${r.mix.members} signed-in members, ${r.mix.connections} connections, ${r.mix.seconds} s per rate; trivial route ${fmt(r.mix.trivialRate)} req/s`,
    );
    console.table(r.mix.steps.map((s) => mixRow(s, r.mix!.trivialRate)));
  }
  console.log('\nTargets');
  console.table(
    verdicts(r).map((v) => ({ target: v.target, measured: v.measured, met: v.pass ? 'yes' : 'NO' })),
  );
}

/** One step of the member mix as a row of figures (the console table and docs/BENCHMARKS.md). */
export function mixRow(s: MixStep, trivialRate: number): Record<string, string> {
  const kind = (k: string) => s.kinds.find((x) => x.kind === k);
  const p = (k: string) => `${fmt(kind(k)?.p50 ?? Number.NaN)} / ${fmt(kind(k)?.p99 ?? Number.NaN)}`;
  return {
    'offered ops/s': fmt(s.offered),
    'of trivial': fmtShare(ratio(s.offered, trivialRate)),
    'achieved ops/s': fmt(s.achievedRate),
    'p50 / p99 ms': `${fmt(s.p50)} / ${fmt(s.p99)}`,
    'browse p50 / p99': p('browse'),
    'open p50 / p99': p('open'),
    'register/leave p50 / p99': p('register/leave'),
    'review p50 / p99': p('review'),
    'lag p50 / p99 ms': `${fmt(s.lagP50)} / ${fmt(s.lagP99)}`,
    refused: String(s.refused),
    errors: String(s.errors),
    unanswered: String(s.unanswered),
    'RYW timeouts': `${s.rywTimeouts}${s.slowWrites ? ` (${s.slowWrites} writes ≥ timeout)` : ''}`,
    held: s.held ? 'yes' : s.overloaded ? 'no: overloaded' : 'no',
  };
}
