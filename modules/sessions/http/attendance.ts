import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../../infra/deps.ts';
import { errors, idParam as idParams, requestMetadata, requireUser } from '../../../infra/http/index.ts';
import { joinSession } from '../handlers.ts';

/**
 * The join link for clients (the site's `/sessions/:id/join` page calls it and redirects): it records the join and
 * answers the meeting URL.
 */
export function attendanceRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/sessions/:id/join',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Join a session: records the join (once) and answers the meeting URL',
        description:
          'For the host and registered members, from 15 minutes before the start (`joinOpensAt`) to the end ' +
          '(`endsAt`); 409 outside that window, saying when it opens. A second join records nothing and answers ' +
          "the URL again. The site's join link, `/sessions/:id/join`, does this and redirects to the URL; " +
          'registered members who neither joined nor were marked present when the host completes are no-shows.',
        params: idParams,
        response: { 200: z.object({ meetingUrl: z.string() }), ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return joinSession(deps.command, request.params.id, user.id, requestMetadata(request));
    },
  );
}
