import type { ModuleContext } from '../../infra/deps.ts';
import { defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { ReminderKind, SessionEvent } from './events.ts';
import { sendReminder } from './handlers.ts';

export const REMINDER_QUEUE = 'session-reminders';
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

export async function startReminderWorker({ jobs, command }: ModuleContext) {
  await jobs.define<ReminderJob>(REMINDER_QUEUE, async ({ sessionId, kind, startsAt }) => {
    await sendReminder(command, sessionId, kind, startsAt);
  });
}
