// The sessions module: hosting, registration and waitlists, series, reminders, notifications and calendars.
// Other code enters it only through this file.
import type { FastifyInstance } from 'fastify';
import type { ModuleContext, ModuleDefinition } from '../../infra/deps.ts';
import { getAccounts } from '../../read-models/member-profiles/queries.ts';
import { memberDepartures } from './departures.ts';
import { sessionMailer } from './emails.ts';
import { sessionEvents } from './events.ts';
import { registrationRoutes } from './http/registrations.ts';
import { inboxRoutes } from './inbox-routes.ts';
import { hiddenSessions } from './moderated.ts';
import { reminderScheduler, startReminderWorker } from './reminders.ts';
import { sessionRoutes } from './routes.ts';

export const sessions: ModuleDefinition = {
  name: 'sessions',
  events: sessionEvents,
  consumers: [reminderScheduler, sessionMailer(getAccounts), memberDepartures, hiddenSessions],
  routes: (app: FastifyInstance, context: ModuleContext) => {
    sessionRoutes(app, context);
    registrationRoutes(app, context);
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
export { loadSession, type NewSession, onSession, scheduleSession, sendReminder } from './handlers.ts';
export { withHostingFacts } from './http/facts.ts';
export { HIDDEN_SESSIONS_REACTOR } from './moderated.ts';
export { REMINDER_QUEUE } from './reminders.ts';
export { occurrences } from './series.ts';
