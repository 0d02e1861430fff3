import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../infra/deps.ts';
import { errors, singleLine } from '../../infra/http/index.ts';
import { leaderboard } from '../../read-models/leaderboards/queries.ts';
import { leaderboardEntryView } from '../../read-models/leaderboards/views.ts';
import { BADGES, POINT_RULES } from './rules.ts';
import { badgeCatalogueSchema } from './schemas.ts';

export function gamificationRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/leaderboards',
    {
      config: { publicCache: true },
      schema: {
        tags: ['gamification'],
        summary:
          'Members ranked by points: all time or this month, overall or in one skill; ties share a rank',
        querystring: z.object({
          period: z.enum(['all', 'month'], { error: 'must be all or month' }).default('all'),
          skill: singleLine({ max: 50 }).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: {
          200: z.object({ items: z.array(leaderboardEntryView) }),
          ...errors(400),
        },
      },
    },
    async (request) => ({ items: await leaderboard(deps.pool, request.query) }),
  );

  r.get(
    '/api/badges',
    {
      config: { publicCache: true },
      schema: {
        tags: ['gamification'],
        summary: 'The badge catalogue with the rule of each, and how points are earned',
        response: {
          200: badgeCatalogueSchema,
        },
      },
    },
    async () => ({ items: [...BADGES], points: POINT_RULES }),
  );
}
