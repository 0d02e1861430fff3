import type { Projector } from '../infra/projections/index.ts';
import { auditLogProjector } from './audit-log/projector.ts';
import { leaderboardsProjector } from './leaderboards/projector.ts';
import { matchesProjector } from './matches/projector.ts';
import { memberProfilesProjector } from './member-profiles/projector.ts';
import { moderationQueueProjector } from './moderation-queue/projector.ts';
import { notificationsProjector } from './notifications/projector.ts';
import { reviewsProjector } from './reviews/projector.ts';
import { sessionListingsProjector } from './session-listings/projector.ts';
import { skillCatalogueProjector } from './skill-catalogue/projector.ts';
import { swapsProjector } from './swaps/projector.ts';

// Every read model's projector. Each folder here holds one read model: its projector, its queries, its tests.
export const readModels: Projector[] = [
  memberProfilesProjector,
  skillCatalogueProjector,
  sessionListingsProjector,
  notificationsProjector,
  reviewsProjector,
  leaderboardsProjector,
  moderationQueueProjector,
  auditLogProjector,
  swapsProjector,
  matchesProjector,
];
