import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../../infra/deps.ts';
import { cursorParam, errors, listOf, requireUser, singleLine } from '../../../infra/http/index.ts';
import { memberMatches } from '../../../read-models/matches/queries.ts';
import { matchView } from '../../../read-models/matches/views.ts';

const matchQuery = z.object({
  skill: singleLine({ min: 1, max: 60 }).optional().describe('Only members who teach this skill'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: cursorParam.optional(),
});

export function matchRoutes(app: FastifyInstance, ctx: ModuleContext) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/me/matches',
    {
      schema: {
        tags: ['swaps'],
        summary: 'Members to swap with: they teach what I want to learn; reciprocal matches first',
        description:
          'Members who teach a skill on my "want to learn" list. Those who also want to learn a skill I teach ' +
          '(reciprocal) come first, then one-way matches; within each, the most recently active first. Each ' +
          'names the skills on both sides, their reputation (overall and per skill they teach me), how many ' +
          'hours apart our time zones are and when they were last active. Suspended and deleted members never ' +
          'appear.',
        querystring: matchQuery,
        response: { 200: listOf(matchView), ...errors(400, 401) },
      },
    },
    async (request) => memberMatches(ctx.query.pool, requireUser(request).id, request.query),
  );
}
