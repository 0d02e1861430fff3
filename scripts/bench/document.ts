// docs/BENCHMARKS.md from a full run's results. The document is regenerated from the figures each time; the
// hand-written analysis between the NOTES markers is kept.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AppendRow } from './append.ts';
import { cell, highestHeld, MIX_TARGET, mixRow, type Results, verdicts } from './report.ts';
import { fmt, fmtShare, ratio } from './stats.ts';

const row = (cells: (string | number)[]) =>
  `| ${cells.map((c) => (typeof c === 'number' ? fmt(c) : c)).join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

function appendSection(rows: AppendRow[]) {
  const lines: (string | number)[][] = [];
  for (const mode of ['distinct', 'hot']) {
    for (const writers of [...new Set(rows.map((x) => x.writers))]) {
      const [b, s, e] = (['bare', 'store', 'emmett'] as const).map((sys) => cell(rows, writers, mode, sys)!);
      if (!b || !s || !e) continue;
      lines.push([
        mode,
        writers,
        b.eventsPerSecond,
        s.eventsPerSecond,
        e.eventsPerSecond,
        ratio(s.eventsPerSecond, b.eventsPerSecond),
        ratio(s.eventsPerSecond, e.eventsPerSecond),
        `${fmt(b.p50)} / ${fmt(b.p99)}`,
        `${fmt(s.p50)} / ${fmt(s.p99)}`,
        `${fmt(e.p50)} / ${fmt(e.p99)}${e.retries ? ` (${Math.round(e.retries)} retries)` : ''}`,
      ]);
    }
  }
  return table(
    [
      'streams',
      'writers',
      'bare ev/s',
      'store ev/s',
      'emmett ev/s',
      'store / bare',
      'store / emmett',
      'bare p50 / p99 ms',
      'store p50 / p99 ms',
      'emmett p50 / p99 ms',
    ],
    lines,
  );
}

function rebuildSection(r: Results) {
  return r.rebuild
    .map(({ events, result }) => {
      const seq = result.sequentialRead.eventsPerSecond;
      const lines: (string | number)[][] = result.rows.map((x) => [
        x.name,
        x.handled,
        x.seconds,
        x.eventsPerSecond,
        ratio(x.eventsPerSecond, seq),
      ]);
      lines.push([
        '**all, one after another**',
        '',
        result.all.seconds,
        result.all.eventsPerSecond,
        ratio(result.all.eventsPerSecond, seq),
      ]);
      lines.push(['*limit: sequential read of the events table*', '', result.sequentialRead.seconds, seq, 1]);
      lines.push([
        '*read + decode (store.readAll, no projector)*',
        '',
        result.decodedRead.seconds,
        result.decodedRead.eventsPerSecond,
        ratio(result.decodedRead.eventsPerSecond, seq),
      ]);
      return `#### ${events.toLocaleString('en-US')} events\n\n${table(['projector', 'events handled', 'seconds', 'log events/s', 'of sequential read'], lines)}`;
    })
    .join('\n\n');
}

function httpSection(r: Results) {
  const trivial = r.http.find((h) => h.name.startsWith('trivial'));
  return table(
    ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'of trivial req/s', 'response bytes', 'errors'],
    r.http.map((h) => [
      h.name,
      h.requestsPerSecond,
      h.p50,
      h.p99,
      trivial ? ratio(h.requestsPerSecond, trivial.requestsPerSecond) : '–',
      Math.round(h.bytes).toLocaleString('en-US'),
      h.errors,
    ]),
  );
}

function mixSection(r: Results) {
  const mix = r.mix;
  if (!mix) return 'not run';
  const held = highestHeld(mix);
  const rows = mix.steps.map((s) => mixRow(s, mix.trivialRate));
  const summary = table(
    Object.keys(rows[0] ?? {}),
    rows.map((x) => Object.values(x)),
  );
  const perRate = mix.steps
    .map((s) => {
      const lines = s.routes.map((x) => [
        x.route,
        x.kind,
        x.count,
        x.p50,
        x.p99,
        x.refused,
        x.errors,
        x.unanswered,
        Object.entries(x.statuses)
          .map(([status, n]) => `${status}: ${n}`)
          .join(', '),
      ]);
      return `#### ${fmt(s.offered)} operations/s offered (${fmtShare(ratio(s.offered, mix.trivialRate))} of trivial): ${fmt(s.achievedRate)} achieved\n\n${table(['route', 'kind', 'operations', 'p50 ms', 'p99 ms', 'refused as expected', 'errors', 'unanswered', 'answers'], lines)}\n\nProjection lag p50 / p99 / max ${fmt(s.lagP50)} / ${fmt(s.lagP99)} / ${fmt(s.lagMax)} ms; ${s.rywTimeouts} read-your-writes timeouts logged, ${s.slowWrites} writes answered after ≥ the timeout; ${s.errors} errors, ${s.unanswered} unanswered; the load generator sent p99 ${fmt(s.lateP99)} ms late.`;
    })
    .join('\n\n');
  return `Highest rate held: ${held ? `**${fmt(held.offered)} operations/s, ${fmtShare(ratio(held.offered, mix.trivialRate))} of the trivial route's ${fmt(mix.trivialRate)} req/s**` : '**none**'} (target ≥ ${MIX_TARGET}).

${summary}

${perRate}`;
}

const NOTES_BEGIN = '<!-- BEGIN NOTES: kept when the bench rewrites this file -->';
const NOTES_END = '<!-- END NOTES -->';

export function writeDocument(path: string, r: Results) {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const kept = previous.includes(NOTES_BEGIN)
    ? previous.slice(previous.indexOf(NOTES_BEGIN), previous.indexOf(NOTES_END) + NOTES_END.length)
    : `${NOTES_BEGIN}\n\n${NOTES_END}`;
  const m = r.machine;
  const doc = `# Benchmarks

Generated by \`npm run bench\` (full mode) on ${new Date().toISOString().slice(0, 10)}; \`npm run bench -- --quick\` runs a small
version in CI. Every figure is the median of several runs; ratios are between figures measured in the same run.

## Machine

${table(
  ['', ''],
  [
    ['CPU', `${m.cpus} × ${m.cpu}`],
    ['memory', `${m.memoryGb} GB`],
    ['Node.js', m.node],
    ['PostgreSQL', `${m.postgres} (${m.server})`],
    ['load average (1/5/15 min) before', r.load.before.map((x) => x.toFixed(1)).join(' / ')],
    ['load average after', r.load.after.map((x) => x.toFixed(1)).join(' / ')],
    ['whole run', `${Math.round(r.durationSeconds / 60)} min`],
  ],
)}

## Targets

${table(
  ['target', 'measured', 'met'],
  verdicts(r).map((v) => [v.target, v.measured, v.pass ? 'yes' : '**no**']),
)}

${kept}

## Generated data

${table(
  ['events', 'members', 'mentors', 'upcoming sessions', 'appends', 'transactions', 'seconds', 'events/s'],
  r.generation.map((g) => [
    g.events,
    g.members,
    g.mentors,
    g.upcoming,
    g.appends,
    g.transactions,
    g.seconds,
    g.eventsPerSecond,
  ]),
)}

## 1. Append

One event per append; latencies per append call. bare = plain INSERT of the same row (the limit), store = SkillSwap's
event store, emmett = @event-driven-io/emmett-postgresql, all on the same connections, on empty tables.

${appendSection(r.append)}

## 2. Rebuild

Each read-model projector rebuilt from the whole log (\`rebuildProjector\`); log events/s = events in the log / seconds.

${rebuildSection(r)}

## 3. Projection lag

${
  r.lag.length
    ? table(
        ['offered ev/s', 'achieved ev/s', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'append p99 ms'],
        r.lag.map((l) => [l.rate, l.achievedRate, l.p50, l.p99, l.max, l.appendP99]),
      )
    : 'not run'
}

## 4. HTTP (50 connections)

Signed-out requests are answered from the public cache after the first (infra/http/public-cache.ts); the rows marked
_uncached_ send a cookie that names no session, which the cache never answers: every request runs its queries and
renders anew. The rows marked _signed in_ are what members get: each request carries the session cookie of one of
50 signed-in members in turn, so it looks the session up, runs its queries as that member and, for a page, renders
the signed-in header (its unread count) too.

${httpSection(r)}

JavaScript per page (gzip): ${r.weights.map((w) => `\`${w.page.startsWith('/users/') ? '/users/:id' : w.page}\` ${fmt(w.referenced / 1024)} kB referenced by the HTML, ${fmt(w.withImports / 1024)} kB with the chunks they import (${w.files} files)`).join('; ') || 'not measured'}.

## 5. Member mix (signed in, open loop)

${r.mix?.members ?? 'A few hundred'} signed-in members, each with a sign-in session and cookie of its own, picked at random per
operation: 60 % browsing (pages \`/sessions\` and \`/mentors\`, \`GET /api/sessions\` and \`/api/mentors\` with filters),
20 % opening sessions and profiles (pages \`/sessions/:id\`, \`/users/:id\` and their API routes), 15 % registering
and leaving (\`POST\` / \`DELETE /api/sessions/:id/registration\`), 5 % reviewing completed sessions they attended
(\`POST /api/sessions/:id/reviews\`). Open loop: at each offered rate (a share of the trivial route's req/s measured in the
same run) operations leave on a constant-rate schedule over ${r.mix?.connections ?? 'up to 100'} keep-alive connections for ${r.mix?.seconds ?? '–'} s,
whatever the answers do, and latency counts from the moment an operation was due, so queueing shows as latency. A
rate is _held_ when it is achieved (≥ 0.9 of it), p99 < 100 ms, with no errors and no write that waited out the
read-your-writes timeout (the app's own warnings, counted from its log); the rates rise until one is not achieved.
_Refused as expected_: a register when already in or no longer open, a leave when not in, a second review (409);
a register for a full session is a 201 \`waitlisted\`. _Errors_: 5xx, any other 4xx, lost connections (any fails the run);
_unanswered_: no answer within 30 s, or none by the end of the step (overload).
Projection lag: the log's head sampled every 100 ms, until every read model has passed it. One run per rate, not a median.

${mixSection(r)}

## EXPLAIN (ANALYZE, BUFFERS) of each read endpoint's main query

${r.plans.map((p) => `### ${p.endpoint} (${fmt(p.executionMs)} ms)\n\n\`\`\`sql\n${p.sql}\n\`\`\`\n\n\`\`\`\n${p.plan}\n\`\`\``).join('\n\n')}
`;
  writeFileSync(path, doc);
}
