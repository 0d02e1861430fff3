// The sessions module: hosting, registration and waitlists, series. Other code enters it only through this file.
import type { ModuleDefinition } from '../../infra/platform.ts';
import { sessionRoutes } from './routes.ts';
import { sessionEvents } from './session.ts';

export const sessions: ModuleDefinition = {
  name: 'sessions',
  events: sessionEvents,
  routes: sessionRoutes,
};

export { loadSession, onSession, scheduleSession, sendReminder } from './handlers.ts';
export { occurrences } from './series.ts';
export { DIFFICULTIES, REMINDERS, type ReminderKind, type SessionEventData } from './session.ts';
