import type { ModuleContext } from '../../infra/deps.ts';
import { defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import { NOT_HELD_AFTER_MS } from './decide.ts';
import type { ReminderKind, SessionEvent } from './events.ts';
import { recordNotHeld, sendReminder } from './handlers.ts';
import { endOf } from './session.ts';

export const REMINDER_QUEUE = 'session-reminders';
export const NOT_HELD_QUEUE = 'session-not-held';
const LEAD: Record<ReminderKind, number> = { '24h': 24 * 3600_000, '1h': 3600_000 };

type ReminderJob = { sessionId: string; kind: ReminderKind; startsAt: string };

async function schedule(
  _client: unknown,
  run: RunOf<SessionEvent, 'SessionScheduled' | 'SessionRescheduled'>,
  { jobs }: ReactorContext,
) {
  for (const { data } of run) {
    const { sessionId, startsAt } = data;
    for (const kind of Object.keys(LEAD) as ReminderKind[]) {
      const at = Date.parse(startsAt) - LEAD[kind];
      // A reminder whose moment has passed (a session scheduled at short notice) is not sent late.
      if (at <= Date.now()) continue;
      await jobs.send(REMINDER_QUEUE, { sessionId, kind, startsAt } satisfies ReminderJob, {
        singletonKey: `${sessionId}:${kind}:${startsAt}`,
        startAfter: new Date(at),
      });
    }
  }
}

/**
 * Schedules the 24-hour and 1-hour reminders of every new or moved session as pg-boss jobs. A job that fires for
 * a start time the session no longer has, or a second time, changes nothing: the session's own stream records
 * each reminder once (decide's SendReminder), so each member gets each reminder exactly once.
 */
export const reminderScheduler = defineReactor<SessionEvent>({
  name: 'session_reminders',
  on: { SessionScheduled: schedule, SessionRescheduled: schedule },
});

type NotHeldJob = { sessionId: string; startsAt: string };

async function scheduleNotHeld(
  _client: unknown,
  run: RunOf<SessionEvent, 'SessionScheduled' | 'SessionRescheduled'>,
  { jobs }: ReactorContext,
) {
  for (const { data } of run) {
    const { sessionId, startsAt, durationMinutes } = data;
    const at = endOf(data) + NOT_HELD_AFTER_MS;
    // Sessions whose moment passed before this reactor first ran (its first start reads the whole log) are left
    // as they were: members are not told today about sessions of long ago.
    if (at <= Date.now()) continue;
    await jobs.send(NOT_HELD_QUEUE, { sessionId, startsAt } satisfies NotHeldJob, {
      singletonKey: `${sessionId}:not-held:${startsAt}:${durationMinutes}`,
      startAfter: new Date(at),
    });
  }
}

/**
 * A day after each session's end (of every start and length it was given), a pg-boss job asks the session to
 * record itself as not held: decide's RecordNotHeld does so only when it is still scheduled by then (neither
 * completed nor cancelled) and the job's moment has come for its current end, so a moved session's old job, a
 * second run or a late one change nothing.
 */
export const notHeldScheduler = defineReactor<SessionEvent>({
  name: 'session_not_held',
  on: { SessionScheduled: scheduleNotHeld, SessionRescheduled: scheduleNotHeld },
});

export async function startReminderWorker({ jobs, command }: ModuleContext) {
  await jobs.define<ReminderJob>(REMINDER_QUEUE, async ({ sessionId, kind, startsAt }) => {
    await sendReminder(command, sessionId, kind, startsAt);
  });
  await jobs.define<NotHeldJob>(NOT_HELD_QUEUE, async ({ sessionId }) => {
    await recordNotHeld(command, sessionId);
  });
}
