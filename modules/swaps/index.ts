// The swaps module: two members teach each other, one skill each way. Proposals and their answers, expiry, one
// open swap per pair. Other code enters it only through this file.
import type { FastifyInstance } from 'fastify';
import type { Deps, ModuleDefinition } from '../../infra/platform.ts';
import { swapEvents } from './events.ts';
import { startSwapExpiryWorker, swapExpiryScheduler } from './expiry.ts';
import { matchRoutes } from './http/matches.ts';
import { swapRoutes } from './http/swaps.ts';

export const swaps: ModuleDefinition = {
  name: 'swaps',
  events: swapEvents,
  consumers: [swapExpiryScheduler],
  routes: (app: FastifyInstance, deps: Deps) => {
    swapRoutes(app, deps);
    matchRoutes(app, deps);
  },
  onStart: startSwapExpiryWorker,
};

export {
  PROPOSAL_DAYS,
  SWAP_STATUSES,
  type SwapEvent,
  type SwapEventData,
  type SwapStatus,
} from './events.ts';
export { SWAP_EXPIRY_QUEUE } from './expiry.ts';
export { loadSwap } from './handlers.ts';
