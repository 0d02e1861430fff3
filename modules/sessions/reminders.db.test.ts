// Reminders: scheduled as pg-boss jobs when a session is scheduled or moved, and recorded exactly once in the
// session's stream however often (or however late) a job fires.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';
import { NOT_HELD_QUEUE, REMINDER_QUEUE, recordNotHeld, sendReminder } from './index.ts';

let app: Platform;
let host: { cookie: string; user: { id: string } };
let ann: { cookie: string; user: { id: string } };
let bob: { cookie: string; user: { id: string } };
let cat: { cookie: string; user: { id: string } };

const HOUR = 3600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

async function hostSession(startsAt: string): Promise<string> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: { cookie: host.cookie },
    payload: {
      title: 'Watercolour washes',
      skill: 'Painting',
      difficulty: 'beginner',
      startsAt,
      durationMinutes: 60,
      capacity: 2,
      meetingUrl: 'https://meet.example.com/washes',
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json().session.id;
}

async function register(sessionId: string, ...members: { cookie: string }[]) {
  for (const m of members) {
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/sessions/${sessionId}/registration`,
      headers: { cookie: m.cookie },
    });
    expect(res.statusCode).toBe(201);
  }
}

/** The start time exactly as the session's stream holds it (what the scheduler puts into each job). */
async function streamStartsAt(sessionId: string): Promise<string> {
  const events = await app.store.readStream(`session-${sessionId}`);
  const moved = events.filter((e) => e.type === 'SessionRescheduled').at(-1) ?? events[0]!;
  return (moved.data as { startsAt: string }).startsAt;
}

async function remindersInStream(sessionId: string) {
  const { rows } = await app.pool.query<{ kind: string; starts_at: string }>(
    `SELECT data->>'kind' AS kind, data->>'startsAt' AS starts_at FROM events
      WHERE stream_id = $1 AND type = 'ReminderDue' ORDER BY global_position`,
    [`session-${sessionId}`],
  );
  return rows;
}

async function reminderRecipients(sessionId: string, kind: string) {
  const { rows } = await app.pool.query<{ member_id: string }>(
    'SELECT member_id FROM notifications WHERE session_id = $1 AND kind = $2 ORDER BY member_id',
    [sessionId, kind],
  );
  return rows.map((r) => r.member_id);
}

async function jobsFor(sessionId: string) {
  const { rows } = await app.pool.query<{ kind: string; starts_at: string; start_after: Date }>(
    `SELECT data->>'kind' AS kind, data->>'startsAt' AS starts_at, start_after FROM pgboss.job
      WHERE name = $1 AND data->>'sessionId' = $2 ORDER BY start_after`,
    [REMINDER_QUEUE, sessionId],
  );
  return rows;
}

async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [host, ann, bob, cat] = await Promise.all([signUpAs(app), signUpAs(app), signUpAs(app), signUpAs(app)]);
});

describe('sendReminder: exactly once', () => {
  it('records a reminder sent twice once, and notifies the host and each registered member once (not the waitlist)', async () => {
    const id = await hostSession(inHours(48));
    await register(id, ann, bob, cat);
    const startsAt = await streamStartsAt(id);

    await sendReminder(app.command, id, '24h', startsAt);
    await sendReminder(app.command, id, '24h', startsAt);

    expect(await remindersInStream(id)).toEqual([{ kind: '24h', starts_at: startsAt }]);
    expect(await reminderRecipients(id, 'reminder-24h')).toEqual(
      [host.user.id, ann.user.id, bob.user.id].sort(),
    );
    // The other kind is its own reminder.
    await sendReminder(app.command, id, '1h', startsAt);
    expect((await remindersInStream(id)).map((r) => r.kind)).toEqual(['24h', '1h']);
  });

  it('records one reminder when two jobs fire at the same moment', async () => {
    const id = await hostSession(inHours(48));
    const startsAt = await streamStartsAt(id);
    await Promise.all(Array.from({ length: 5 }, () => sendReminder(app.command, id, '24h', startsAt)));
    expect(await remindersInStream(id)).toHaveLength(1);
    expect(await reminderRecipients(id, 'reminder-24h')).toEqual([host.user.id]);
  });

  it('drops a job for the start time a session had before it was moved, and sends the one for the new time', async () => {
    const id = await hostSession(inHours(48));
    await register(id, ann);
    const oldStartsAt = await streamStartsAt(id);
    const res = await app.http.inject({
      method: 'PATCH',
      url: `/api/sessions/${id}`,
      headers: { cookie: host.cookie },
      payload: { startsAt: inHours(72) },
    });
    expect(res.statusCode).toBe(200);
    const newStartsAt = await streamStartsAt(id);
    expect(newStartsAt).not.toBe(oldStartsAt);

    await sendReminder(app.command, id, '24h', oldStartsAt);
    expect(await remindersInStream(id)).toEqual([]);
    expect(await reminderRecipients(id, 'reminder-24h')).toEqual([]);

    await sendReminder(app.command, id, '24h', newStartsAt);
    await sendReminder(app.command, id, '24h', newStartsAt);
    expect(await remindersInStream(id)).toEqual([{ kind: '24h', starts_at: newStartsAt }]);
    expect(await reminderRecipients(id, 'reminder-24h')).toEqual([host.user.id, ann.user.id].sort());
  });

  it('sends nothing for a cancelled session', async () => {
    const id = await hostSession(inHours(48));
    await register(id, ann);
    const startsAt = await streamStartsAt(id);
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/sessions/${id}/cancel`,
      headers: { cookie: host.cookie },
      payload: { reason: 'Out of paint' },
    });
    expect(res.statusCode).toBe(200);
    await sendReminder(app.command, id, '24h', startsAt);
    await sendReminder(app.command, id, '1h', startsAt);
    expect(await remindersInStream(id)).toEqual([]);
    expect(await reminderRecipients(id, 'reminder-24h')).toEqual([]);
  });
});

describe('the reminder scheduler', () => {
  const near = (a: Date, b: number) => Math.abs(a.getTime() - b) < 1000;

  it('queues a 24-hour and a 1-hour job for a session two days ahead, and new ones when it moves', async () => {
    const id = await hostSession(inHours(48));
    const startsAt = await streamStartsAt(id);
    const jobs = await eventually(
      () => jobsFor(id),
      (rows) => rows.length >= 2,
    );
    expect(jobs.map((j) => [j.kind, j.starts_at])).toEqual([
      ['24h', startsAt],
      ['1h', startsAt],
    ]);
    expect(near(jobs[0]!.start_after, Date.parse(startsAt) - 24 * HOUR)).toBe(true);
    expect(near(jobs[1]!.start_after, Date.parse(startsAt) - HOUR)).toBe(true);

    const res = await app.http.inject({
      method: 'PATCH',
      url: `/api/sessions/${id}`,
      headers: { cookie: host.cookie },
      payload: { startsAt: inHours(50) },
    });
    expect(res.statusCode).toBe(200);
    const moved = await streamStartsAt(id);
    const after = await eventually(
      () => jobsFor(id),
      (rows) => rows.length >= 4,
    );
    const forMoved = after.filter((j) => j.starts_at === moved);
    expect(forMoved.map((j) => j.kind)).toEqual(['24h', '1h']);
    expect(near(forMoved[0]!.start_after, Date.parse(moved) - 24 * HOUR)).toBe(true);
  });

  it('queues no 24-hour job for a session two hours ahead (its moment has passed), only the 1-hour one', async () => {
    const id = await hostSession(inHours(2));
    const startsAt = await streamStartsAt(id);
    const jobs = await eventually(
      () => jobsFor(id),
      (rows) => rows.length >= 1,
    );
    expect(jobs.map((j) => j.kind)).toEqual(['1h']);
    expect(near(jobs[0]!.start_after, Date.parse(startsAt) - HOUR)).toBe(true);
  });
});

describe('the reminder worker', () => {
  it('turns a due session-reminders job into a ReminderDue event', async () => {
    const id = await hostSession(inHours(48));
    await register(id, bob);
    const startsAt = await streamStartsAt(id);
    const jobId = await app.jobs.send(REMINDER_QUEUE, { sessionId: id, kind: '1h', startsAt });
    expect(jobId).toBeTruthy();
    // pg-boss polls every couple of seconds; bounded well above that.
    const events = await eventually(
      () => remindersInStream(id),
      (rows) => rows.length > 0,
      20_000,
    );
    expect(events).toEqual([{ kind: '1h', starts_at: startsAt }]);
    const job = await eventually(
      () => app.jobs.job(REMINDER_QUEUE, jobId!),
      (j) => j?.state === 'completed',
      5000,
    );
    expect(job?.state).toBe('completed');
    const recipients = await eventually(
      () => reminderRecipients(id, 'reminder-1h'),
      (r) => r.length === 2,
    );
    expect(recipients).toEqual([host.user.id, bob.user.id].sort());
  });
});

describe('a host who does not show', () => {
  const END_PLUS_A_DAY = (startsAt: string) => new Date(Date.parse(startsAt) + HOUR + 24 * HOUR);
  const notHeldJobs = async (sessionId: string) =>
    (
      await app.pool.query<{ start_after: Date }>(
        'SELECT start_after FROM pgboss.job WHERE name = $1 AND data->>$2 = $3',
        [NOT_HELD_QUEUE, 'sessionId', sessionId],
      )
    ).rows;

  it('queues a job for a day after the end of each session', async () => {
    const id = await hostSession(inHours(48));
    const startsAt = await streamStartsAt(id);
    const jobs = await eventually(
      () => notHeldJobs(id),
      (rows) => rows.length >= 1,
    );
    expect(jobs.map((j) => j.start_after.getTime())).toEqual([END_PLUS_A_DAY(startsAt).getTime()]);
  });

  it('a day after the end of a session nobody completed: not held, attendees told, the host less reliable', async () => {
    const id = await hostSession(inHours(48));
    await register(id, ann);
    const startsAt = await streamStartsAt(id);
    const fakeClock = (now: Date) => ({ ...app.command, now: () => now });

    // A minute early, the host may still complete it: nothing happens.
    await recordNotHeld(fakeClock(new Date(END_PLUS_A_DAY(startsAt).getTime() - 60_000)), id);
    expect((await app.store.readStream(`session-${id}`)).map((e) => e.type)).not.toContain('SessionNotHeld');

    await recordNotHeld(fakeClock(END_PLUS_A_DAY(startsAt)), id);
    await recordNotHeld(fakeClock(END_PLUS_A_DAY(startsAt)), id);
    const types = (await app.store.readStream(`session-${id}`)).map((e) => e.type);
    expect(types.filter((t) => t === 'SessionNotHeld')).toHaveLength(1);

    expect(await reminderRecipients(id, 'not-held')).toEqual([ann.user.id]);
    const session = await app.http.inject({ method: 'GET', url: `/api/sessions/${id}` });
    expect(session.json().session).toMatchObject({ status: 'scheduled', notHeld: true });
    const profile = await app.http.inject({ method: 'GET', url: `/api/users/${host.user.id}` });
    expect(profile.json().profile.reputation.reliability).toBe(0);
    // And it can no longer be completed.
    const complete = await app.http.inject({
      method: 'POST',
      url: `/api/sessions/${id}/complete`,
      headers: { cookie: host.cookie },
      payload: {},
    });
    expect(complete.statusCode).toBe(409);
  });
});
