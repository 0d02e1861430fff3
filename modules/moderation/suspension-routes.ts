import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../infra/deps.ts';
import {
  errors,
  hasRole,
  idParam as idParams,
  requestMetadata,
  requireRole,
  type SignedInUser,
} from '../../infra/http/index.ts';
import { memberSuspensionSchema, note, spam, until } from './schemas.ts';
import { changeSuspension, memberToSuspend, suspensionOf } from './suspensions.ts';

/** The acting moderator, and whether they are an admin (who alone may act on moderators and admins). */
export const moderatorOf = (user: SignedInUser) => ({ id: user.id, isAdmin: hasRole(user, 'admin') });

/** Suspending members, lifting suspensions, and where a member's suspension stands. */
export function suspensionRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/moderation/users/:id/suspend',
    {
      schema: {
        tags: ['moderation'],
        summary:
          'Suspend a member: signed out at once, cannot sign in or act; upcoming sessions are cancelled',
        description:
          'Only an admin may suspend a moderator or an admin (403); nobody suspends themselves (403). With ' +
          '`until`, the suspension is lifted by itself at that time.',
        params: idParams,
        body: z.object({ reason: note, spam, until }),
        response: {
          200: z.object({ memberId: z.string(), suspended: z.boolean(), until: z.string().nullable() }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const moderator = requireRole(request, 'moderator');
      const { reason, spam: forSpam, until: ends } = request.body;
      const memberId = request.params.id;
      const state = await changeSuspension(
        deps.command,
        moderatorOf(moderator),
        { type: 'Suspend', memberId, reason, forSpam, until: ends ?? null },
        requestMetadata(request),
      );
      return { memberId, suspended: true, until: state.until };
    },
  );

  r.post(
    '/api/moderation/users/:id/unsuspend',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Lift a suspension (only an admin lifts that of a moderator or an admin)',
        params: idParams,
        body: z.object({ reason: note }),
        response: {
          200: z.object({ memberId: z.string(), suspended: z.boolean() }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const moderator = requireRole(request, 'moderator');
      const memberId = request.params.id;
      await changeSuspension(
        deps.command,
        moderatorOf(moderator),
        { type: 'Unsuspend', memberId, note: request.body.reason },
        requestMetadata(request),
      );
      return { memberId, suspended: false };
    },
  );

  r.get(
    '/api/moderation/users/:id/suspension',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Whether a member is suspended, since when, why and until when (moderator)',
        params: idParams,
        response: {
          200: memberSuspensionSchema,
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      requireRole(request, 'moderator');
      const memberId = request.params.id;
      const { memberIsStaff } = await memberToSuspend(deps.command, memberId);
      return { memberId, staff: memberIsStaff, suspension: await suspensionOf(deps.command, memberId) };
    },
  );
}
