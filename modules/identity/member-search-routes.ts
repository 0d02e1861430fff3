import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../infra/deps.ts';
import { errors, requireRole, singleLine } from '../../infra/http/index.ts';
import { findMembers } from '../../read-models/member-profiles/queries.ts';
import { memberIdForEmail } from './handlers.ts';

const memberMatch = z.object({
  id: z.string(),
  displayName: z.string(),
  email: z.string(),
  avatarUrl: z.string().nullable(),
  roles: z.array(z.string()),
  suspended: z.boolean(),
  joinedAt: z.string(),
});

/** Admins find members by name or address (the member page of /admin). */
export function memberSearchRoutes(app: FastifyInstance, ctx: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/admin/members',
    {
      schema: {
        tags: ['identity'],
        summary: 'Find members by display name or email (admin)',
        description:
          'Members whose display name contains `q`, or whose email starts with it, in any letter case; a whole ' +
          'address also finds its account through the address claim (the member holding it now), listed first. ' +
          'Deleted accounts are never found.',
        querystring: z.object({
          q: singleLine({ min: 2, max: 254 }),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: {
          200: z.object({ items: z.array(memberMatch), nextCursor: z.null() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      const { q, limit } = request.query;
      const looksLikeEmail = /^[^@\s]+@[^@\s]+$/.test(q);
      const holder = looksLikeEmail ? await memberIdForEmail(ctx.command, q) : null;
      return { items: await findMembers(ctx.pool, q, holder ? [holder] : [], limit), nextCursor: null };
    },
  );
}
