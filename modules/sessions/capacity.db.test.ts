// Capacity under concurrency: 200 members register at once for 10 seats. Given a fresh session, when all 200
// Register commands race, then exactly 10 are seated and 190 wait in places 1..190, and the event stream, the
// decider's state and the read model (and the HTTP answer) all agree.
// One run by default; REPEAT=20 npx vitest run modules/sessions/capacity.db.test.ts runs it 20 times in a row.
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { loadSession, runSessionCommand } from './index.ts';
import { call, getSession, host, type Member, signUp } from './testing.ts';

const RUNS = Math.max(1, Number(process.env.REPEAT ?? 1));
const MEMBERS = 200;
const CAPACITY = 10;

let app: Platform;
let hal: Member;

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  hal = await signUp(app, 'Hal');
});

for (let run = 1; run <= RUNS; run++) {
  it(`seats exactly ${CAPACITY} of ${MEMBERS} racing members and queues the rest in order (run ${run}/${RUNS})`, async () => {
    const session = await host(app, hal, { capacity: CAPACITY, title: `Hot session ${run}` });
    const members = Array.from({ length: MEMBERS }, () => randomUUID());
    const started = performance.now();

    // Registration does not require the member to exist in the domain rules: plain ids are enough here.
    const outcomes = await Promise.allSettled(
      members.map((memberId) =>
        runSessionCommand(
          app.command,
          session.id,
          { type: 'Register', data: { memberId }, now: new Date() },
          { actorId: memberId },
        ),
      ),
    );
    const elapsed = Math.round(performance.now() - started);
    const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason));
    expect(failures, 'every registration is accepted').toEqual([]);
    const first = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.events : [])).map((e) => e[0]);
    expect(first.filter((e) => e?.type === 'MemberRegistered')).toHaveLength(CAPACITY);
    expect(first.filter((e) => e?.type === 'MemberWaitlisted')).toHaveLength(MEMBERS - CAPACITY);

    // The event stream: 10 seats, 190 places 1..190 handed out in stream order, every member exactly once.
    const { rows: events } = await app.pool.query<{ type: string; member: string; position: number | null }>(
      `SELECT type, data->>'memberId' AS member, (data->>'position')::int AS position
         FROM events WHERE stream_id = $1 AND type IN ('MemberRegistered', 'MemberWaitlisted') ORDER BY stream_version`,
      [`session-${session.id}`],
    );
    const registered = events.filter((e) => e.type === 'MemberRegistered').map((e) => e.member);
    const waitlisted = events.filter((e) => e.type === 'MemberWaitlisted');
    expect(registered).toHaveLength(CAPACITY);
    expect(waitlisted).toHaveLength(MEMBERS - CAPACITY);
    expect(waitlisted.map((e) => e.position)).toEqual(
      Array.from({ length: MEMBERS - CAPACITY }, (_, i) => i + 1),
    );
    expect(new Set(events.map((e) => e.member)).size).toBe(MEMBERS);
    expect([...events.map((e) => e.member)].sort()).toEqual([...members].sort());

    // The decider's state, folded from the stream.
    const state = await loadSession(app, session.id);
    expect(state.status === 'scheduled' && [state.registered, state.waitlist]).toEqual([
      registered,
      waitlisted.map((e) => e.member),
    ]);

    // The read model: counts, and the queue in the same order as the stream. Read-your-writes is a bounded wait
    // (3 s) that 200 waiters can outlast, so wait here for the last append before reading.
    const checkpoints = outcomes.flatMap((o) =>
      o.status === 'fulfilled' && o.value.appended ? [o.value.appended.checkpoint] : [],
    );
    const lastAppend = checkpoints.reduce((a, b) => (b.position > a.position ? b : a));
    expect(await app.runner.waitFor(lastAppend, { timeoutMs: 30_000 })).toBe(true);
    const { rows: listing } = await app.pool.query(
      'SELECT registered_count, waitlist_count FROM session_listings WHERE session_id = $1',
      [session.id],
    );
    expect(listing).toEqual([{ registered_count: CAPACITY, waitlist_count: MEMBERS - CAPACITY }]);
    const queue = (await call(app, hal, 'GET', `/api/sessions/${session.id}/attendees`)).json();
    expect(queue.registered.map((a: { id: string }) => a.id).sort()).toEqual([...registered].sort());
    expect(queue.waitlisted.map((a: { id: string; position: number }) => [a.id, a.position])).toEqual(
      waitlisted.map((e) => [e.member, e.position]),
    );
    expect(await getSession(app, null, session.id)).toMatchObject({
      capacity: CAPACITY,
      registeredCount: CAPACITY,
      waitlistCount: MEMBERS - CAPACITY,
      seatsLeft: 0,
    });
    console.info(`capacity run ${run}/${RUNS}: ${MEMBERS} registrations in ${elapsed} ms`);
  });
}
