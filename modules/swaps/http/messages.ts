import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../../infra/deps.ts';
import {
  cursorParam,
  errors,
  HttpError,
  idParam,
  listOf,
  multiLine,
  notFound,
  requestMetadata,
  requireUser,
} from '../../../infra/http/index.ts';
import { reserveAttempts } from '../../../infra/throttle.ts';
import { getMessage, swapMessages, unreadMessages } from '../../../read-models/swaps/queries.ts';
import { messageView } from '../../../read-models/swaps/views.ts';
import { markNotificationsRead } from '../../sessions/index.ts';
import { sendMessage } from '../handlers.ts';
import { visibleSwap } from './swaps.ts';

/** Messages a member may send in ten minutes, across their swaps: a conversation, not a flood. */
export const MESSAGES_PER_10_MINUTES = 30;

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursorParam.optional(),
});

export function messageRoutes(app: FastifyInstance, ctx: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/swaps/:id/messages',
    {
      schema: {
        tags: ['swaps'],
        summary: "A swap's messages, oldest first (its two members and moderators)",
        description:
          'The proposal’s message comes first. Messages a moderator hid are left out. Reading the thread marks ' +
          'the notifications of its messages to the reader as read (so no "unread messages" email follows).',
        params: idParam,
        querystring: pageQuery,
        response: { 200: listOf(messageView), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const swap = await visibleSwap(ctx, user, request.params.id);
      const unread = await unreadMessages(ctx.query.pool, swap.id, user.id);
      if (unread.length > 0) {
        const ids = unread.map((m) => m.notificationId);
        await markNotificationsRead(ctx.command, user.id, ids, requestMetadata(request));
      }
      return swapMessages(ctx.query.pool, swap.id, request.query);
    },
  );

  r.post(
    '/api/swaps/:id/messages',
    {
      schema: {
        tags: ['swaps'],
        summary: 'Write in a swap’s thread (its two members)',
        description:
          'While the swap is proposed, accepted or completed (else 409). A message with a blocked word or link is ' +
          'sent and flagged to the moderators. At ' +
          `most ${MESSAGES_PER_10_MINUTES} messages in ten minutes (429).`,
        params: idParam,
        body: z.object({ body: multiLine({ min: 1, max: 4000 }) }),
        response: { 201: z.object({ message: messageView }), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const swap = await visibleSwap(ctx, user, request.params.id);
      const allowance = await reserveAttempts(ctx.pool, [
        { key: `swap-messages:member:${user.id}`, limit: MESSAGES_PER_10_MINUTES, windowMs: 600_000 },
      ]);
      if (!allowance.ok) {
        throw new HttpError(
          'rate_limited',
          `You can send at most ${MESSAGES_PER_10_MINUTES} messages in ten minutes. Take a breath.`,
        );
      }
      const messageId = randomUUID();
      const { body } = request.body;
      await sendMessage(
        ctx.command,
        swap.id,
        { messageId, authorId: user.id, body },
        requestMetadata(request),
      ).catch(async (err) => {
        await allowance.release().catch(() => {});
        throw err;
      });
      const message = await getMessage(ctx.query.pool, messageId);
      if (!message) throw notFound('That message');
      return reply.code(201).send({ message });
    },
  );
}
