// The moderation module: reports, the moderation queue, hiding content, suspending members, and the admin actions
// that go in the audit log. Other code enters it only through this file.
import type { ModuleDefinition } from '../../infra/platform.ts';
import { moderationEvents } from './events.ts';
import { moderationRoutes } from './routes.ts';
import { contentScreener } from './screening.ts';

export const moderation: ModuleDefinition = {
  name: 'moderation',
  events: moderationEvents,
  consumers: [contentScreener],
  routes: moderationRoutes,
};

export { reportWeight, screen } from './decide.ts';
export type { ModerationEventData, TargetType } from './events.ts';
export { changeSuspension, fileReport, reportIdFor } from './handlers.ts';
