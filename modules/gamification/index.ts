// The gamification module: points, badges and the rules behind them, earned from other modules' events.
// Other code enters it only through this file.
import type { ModuleDefinition } from '../../infra/deps.ts';
import { gamificationEvents } from './events.ts';
import { gamificationReactor } from './reactor.ts';
import { gamificationRoutes } from './routes.ts';

export const gamification: ModuleDefinition = {
  name: 'gamification',
  events: gamificationEvents,
  consumers: [gamificationReactor],
  routes: gamificationRoutes,
};

export type { GamificationEvent, GamificationEventData } from './events.ts';
export { BADGES, POINT_RULES, POINTS } from './rules.ts';
