// The sessions module: hosting, registration and waitlists, series, reminders, notifications and calendars.
// Other code enters it only through this file.
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../infra/db/index.ts';
import type { ModuleContext, ModuleDefinition } from '../../infra/deps.ts';
import { getMailRecipients } from '../../read-models/member-profiles/queries.ts';
import { sessionForItsMembers } from '../../read-models/session-listings/queries.ts';
import { memberDepartures } from './departures.ts';
import { sessionMailer } from './emails.ts';
import { sessionEvents } from './events.ts';
import { attendanceRoutes } from './http/attendance.ts';
import { sessionsCalendar } from './http/calendar.ts';
import { inboxRoutes } from './http/inbox.ts';
import { registrationRoutes } from './http/registrations.ts';
import { hiddenSessions } from './moderated.ts';
import { notHeldScheduler, reminderScheduler, startReminderWorker } from './reminders.ts';
import { sessionRoutes } from './routes.ts';

/** A reminder's calendar file, for the session's own members: their shared view, with the join link as its place. */
async function reminderCalendar(db: Queryable, sessionId: string, siteOrigin: string) {
  const session = await sessionForItsMembers(db, sessionId);
  return session ? sessionsCalendar(session.title, [session], siteOrigin, siteOrigin, true) : null;
}

export const sessions: ModuleDefinition = {
  name: 'sessions',
  events: sessionEvents,
  consumers: [
    reminderScheduler,
    notHeldScheduler,
    sessionMailer(getMailRecipients, reminderCalendar),
    memberDepartures,
    hiddenSessions,
  ],
  routes: (app: FastifyInstance, context: ModuleContext) => {
    sessionRoutes(app, context);
    registrationRoutes(app, context);
    attendanceRoutes(app, context);
    inboxRoutes(app, context);
  },
  onStart: startReminderWorker,
};

export {
  DIFFICULTIES,
  REMINDERS,
  type ReminderKind,
  type SessionEvent,
  type SessionEventData,
} from './events.ts';
export {
  appendSwapSession,
  loadSession,
  markNotificationsRead,
  type NewSession,
  type NewSwapSession,
  recordNotHeld,
  runSessionCommand,
  scheduleSession,
  sendReminder,
} from './handlers.ts';
export { withHostingFacts } from './http/facts.ts';
export { HIDDEN_SESSIONS_REACTOR } from './moderated.ts';
export { NOT_HELD_QUEUE, REMINDER_QUEUE } from './reminders.ts';
export { swapSessionBody } from './schemas.ts';
export { occurrences } from './series.ts';
