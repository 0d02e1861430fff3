import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emailLinkOrigin } from '../../../infra/config.ts';
import type { ModuleContext } from '../../../infra/deps.ts';
import {
  cursorParam,
  errors,
  hasRole,
  id,
  idParam,
  notFound,
  requestMetadata,
  requireUser,
} from '../../../infra/http/index.ts';
import { getNotification, listNotifications } from '../../../read-models/notifications/queries.ts';
import { notificationPageView, notificationView } from '../../../read-models/notifications/views.ts';
import { getSession, mySessions } from '../../../read-models/session-listings/queries.ts';
import { markNotificationsRead } from '../handlers.ts';
import { feedToken, memberForFeed, sessionsCalendar } from './calendar.ts';

const origin = (deps: ModuleContext, request: FastifyRequest) =>
  deps.config.publicOrigin ?? `${request.protocol}://${request.host}`;

/** Notifications (the inbox) and calendars: what reaches a member about their sessions. */
export function inboxRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/me/notifications',
    {
      schema: {
        tags: ['sessions'],
        summary: 'My notifications, newest first, with the unread count',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: cursorParam.optional(),
        }),
        response: {
          200: notificationPageView,
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return listNotifications(deps.pool, user.id, request.query.limit, request.query.cursor);
    },
  );

  r.get(
    '/api/me/notifications/:id',
    {
      schema: {
        tags: ['sessions'],
        summary: 'One of my notifications (the site opens it: marks it read, then goes to what it is about)',
        params: z.object({ id: id(64) }),
        response: { 200: z.object({ notification: notificationView }), ...errors(401, 404) },
      },
    },
    async (request) => {
      const notification = await getNotification(deps.pool, requireUser(request).id, request.params.id);
      if (!notification) throw notFound('That notification');
      return { notification };
    },
  );

  r.post(
    '/api/me/notifications/read',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Mark notifications as read: the given ids, or all of them when `ids` is left out',
        // nullish, not .default({}): Fastify validates a POST without a body as null (not undefined), which
        // a default does not replace, so "no body marks everything read" answered 400.
        body: z.object({ ids: z.array(id(64)).min(1).max(200).optional() }).nullish(),
        response: { 204: z.null(), ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const ids = request.body?.ids ?? null;
      const written = await markNotificationsRead(deps.command, user.id, ids, requestMetadata(request));
      await deps.command.waitForReadModels(written);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/sessions/:id/calendar.ics',
    {
      schema: {
        tags: ['sessions'],
        summary: 'The session as an iCalendar (RFC 5545) event',
        params: idParam,
      },
    },
    async (request, reply) => {
      const viewer = request.user
        ? { id: request.user.id, isModerator: hasRole(request.user, 'moderator') }
        : null;
      const session = await getSession(deps.pool, request.params.id, viewer);
      if (!session) throw notFound('That session');
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="skillswap-${session.id}.ics"`)
        .send(
          sessionsCalendar(session.title, [session], origin(deps, request), emailLinkOrigin(deps.config)),
        );
    },
  );

  r.get(
    '/api/me/calendar',
    {
      schema: {
        tags: ['sessions'],
        summary: 'The secret URL of my calendar feed, to subscribe to from a calendar app',
        response: { 200: z.object({ url: z.string() }), ...errors(401) },
      },
    },
    async (request) => {
      const token = await feedToken(deps.pool, requireUser(request).id);
      return { url: `${origin(deps, request)}/api/calendar/${token}.ics` };
    },
  );

  r.post(
    '/api/me/calendar/reset',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Replace the calendar feed URL; the old one stops working',
        response: { 200: z.object({ url: z.string() }), ...errors(401) },
      },
    },
    async (request) => {
      const token = await feedToken(deps.pool, requireUser(request).id, true);
      return { url: `${origin(deps, request)}/api/calendar/${token}.ics` };
    },
  );

  r.get(
    '/api/calendar/:file',
    {
      schema: {
        tags: ['sessions'],
        summary: "A member's calendar feed: upcoming sessions they host or attend (the token is the secret)",
        params: z.object({ file: id().regex(/^[\w-]{20,64}\.ics$/, { error: 'is not a calendar feed' }) }),
      },
    },
    async (request, reply) => {
      const memberId = await memberForFeed(deps.pool, request.params.file.replace(/\.ics$/, ''));
      if (!memberId) throw notFound('That calendar');
      const mine = await mySessions(deps.pool, memberId);
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .send(
          sessionsCalendar(
            'SkillSwap',
            [...mine.hosting, ...mine.attending],
            origin(deps, request),
            emailLinkOrigin(deps.config),
          ),
        );
    },
  );
}
