// The moderation module: reports, the moderation queue, hiding content, suspending members, and the admin actions
// that go in the audit log. Other code enters it only through this file.
import type { FastifyInstance } from 'fastify';
import type { ModuleContext, ModuleDefinition } from '../../infra/deps.ts';
import { moderationEvents } from './events.ts';
import { moderationRoutes } from './routes.ts';
import { contentScreener } from './screening.ts';
import { suspensionRoutes } from './suspension-routes.ts';
import { startSuspensionEndWorker, suspensionEndScheduler } from './suspensions.ts';

export const moderation: ModuleDefinition = {
  name: 'moderation',
  events: moderationEvents,
  consumers: [contentScreener, suspensionEndScheduler],
  routes: (app: FastifyInstance, context: ModuleContext) => {
    moderationRoutes(app, context);
    suspensionRoutes(app, context);
  },
  onStart: startSuspensionEndWorker,
};

export { screen } from './decide.ts';
export type { ModerationEvent, ModerationEventData, TargetType } from './events.ts';
export { fileReport, reportIdFor } from './handlers.ts';
export { reportWeight, type Standing } from './standing.ts';
export { contentStream } from './streams.ts';
export { changeSuspension, SUSPENSION_END_QUEUE } from './suspensions.ts';
