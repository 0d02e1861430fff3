// The domain modules of SkillSwap, in the order their events first appear. Each is entered through its index.ts.
import type { AppDefinition } from '../infra/deps.ts';
import { readModels } from '../read-models/index.ts';
import { feedback } from './feedback/index.ts';
import { gamification } from './gamification/index.ts';
import { authenticate, identity } from './identity/index.ts';
import { moderation } from './moderation/index.ts';
import { sessions } from './sessions/index.ts';
import { swaps } from './swaps/index.ts';

export const skillswap: AppDefinition = {
  modules: [identity, sessions, feedback, gamification, moderation, swaps],
  readModels,
  authenticate,
};
