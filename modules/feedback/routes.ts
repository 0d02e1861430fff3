import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../infra/deps.ts';
import {
  cursorParam,
  errors,
  HttpError,
  hasRole,
  idParam as idParams,
  listOf,
  multiLine,
  notFound,
  requestMetadata,
  requireUser,
  type SignedInUser,
} from '../../infra/http/index.ts';
import { spendDailyAllowance } from '../../infra/throttle.ts';
import { getReview, hostReviews, ownReview, sessionReviews } from '../../read-models/reviews/queries.ts';
import { reviewView } from '../../read-models/reviews/views.ts';
import { deleteReview, editReview, replyToReview, submitReview } from './handlers.ts';
import { REVIEW_LIMITS as L } from './limits.ts';

const wholeStars = `must be a whole number from ${L.ratingMin} to ${L.ratingMax}`;
const rating = z
  .number({ error: wholeStars })
  .int({ error: wholeStars })
  .min(L.ratingMin, { error: `must be at least ${L.ratingMin}` })
  .max(L.ratingMax, { error: `must be at most ${L.ratingMax}` });
const comment = multiLine({ max: L.commentMax });

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorParam.optional(),
});

export function feedbackRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // A sealed swap review is there for its author and moderators only: to anyone else (its host replying, say) 404.
  const show = async (id: string, user: SignedInUser) => {
    const viewer = { memberId: user.id, isModerator: hasRole(user, 'moderator') };
    const review = await getReview(deps.pool, id, viewer);
    if (!review) throw notFound('That review');
    return { review };
  };

  r.post(
    '/api/sessions/:id/reviews',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Review a completed session you attended (once)',
        description:
          'In a swap, the review of the partner’s session is sealed (sealed: true): shown to its author and to ' +
          'moderators only, and counted in no rating, until the partner has reviewed theirs too or 14 days have ' +
          'passed; then both show at once. ' +
          'The answer shows the review to its author either way.',
        params: idParams,
        body: z.object({ rating, comment: comment.default('') }),
        response: { 201: z.object({ review: reviewView }), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const perDay = deps.config.limits.reviewsPerDay;
      if (!(await spendDailyAllowance(deps.pool, 'reviews', user.id, perDay)).ok) {
        throw new HttpError('rate_limited', `You can write at most ${perDay} reviews a day.`);
      }
      const reviewId = await submitReview(
        deps.command,
        user.id,
        request.params.id,
        request.body,
        requestMetadata(request),
      );
      return reply.code(201).send(await show(reviewId, user));
    },
  );

  r.get(
    '/api/sessions/:id/reviews',
    {
      config: { publicCache: true },
      schema: {
        tags: ['feedback'],
        summary: "A session's reviews, newest first",
        description:
          'Visible reviews only: not hidden by moderation, not deleted, and no sealed swap review.',
        params: idParams,
        querystring: pageQuery,
        response: { 200: listOf(reviewView), ...errors(400) },
      },
    },
    async (request) =>
      sessionReviews(deps.pool, request.params.id, request.query.limit, request.query.cursor),
  );

  r.get(
    '/api/sessions/:id/reviews/mine',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Your own review of a session, also when a moderator hid it or you deleted it',
        description:
          'status: none (not reviewed: the form may be offered), visible, hidden (by a moderator: shown to you ' +
          'only, and a second review is refused), deleted (by you; a second review is refused too). ' +
          'review is null for none and deleted. ' +
          'In a swap, the review of the partner’s session is sealed (sealed: true): shown to its author and to ' +
          'moderators only, and counted in no rating, until the partner has reviewed theirs too or 14 days have ' +
          'passed; then both show at once. ' +
          '(status visible, sealed true).',
        params: idParams,
        response: {
          200: z.object({
            status: z.enum(['none', 'visible', 'hidden', 'deleted']),
            review: reviewView.nullable(),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => ownReview(deps.pool, request.params.id, requireUser(request).id),
  );

  r.get(
    '/api/users/:id/reviews',
    {
      config: { publicCache: true },
      schema: {
        tags: ['feedback'],
        summary: 'Reviews a member received as host, newest first',
        description:
          'Visible reviews only: a swap review stays out, sealed, until both members of the swap have reviewed ' +
          'each other or 14 days have passed since it was written.',
        params: idParams,
        querystring: pageQuery,
        response: { 200: listOf(reviewView), ...errors(400) },
      },
    },
    async (request) => hostReviews(deps.pool, request.params.id, request.query.limit, request.query.cursor),
  );

  r.patch(
    '/api/reviews/:id',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Edit your review (within 14 days)',
        description:
          'Also while it is a sealed swap review: it is revealed with its rating as it is by then.',
        params: idParams,
        body: z.object({ rating, comment }).partial().strict(),
        response: { 200: z.object({ review: reviewView }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      await show(request.params.id, user); // hidden by moderation (or deleted): 404, as for reads
      await editReview(deps.command, request.params.id, user.id, request.body, requestMetadata(request));
      return show(request.params.id, user);
    },
  );

  r.delete(
    '/api/reviews/:id',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Delete your review (within 14 days)',
        description: 'Also while it is a sealed swap review.',
        params: idParams,
        response: { 204: z.null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await show(request.params.id, user); // hidden by moderation (or deleted): 404, as for reads
      await deleteReview(deps.command, request.params.id, user.id, requestMetadata(request));
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/reviews/:id/reply',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Reply to a review of your session (once)',
        description: 'A sealed swap review is not found (404) until it is revealed.',
        params: idParams,
        body: z.object({
          reply: multiLine({ min: 1, max: L.commentMax }),
        }),
        response: { 200: z.object({ review: reviewView }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      await show(request.params.id, user); // hidden by moderation (or deleted): 404, as for reads
      await replyToReview(
        deps.command,
        request.params.id,
        user.id,
        request.body.reply,
        requestMetadata(request),
      );
      return show(request.params.id, user);
    },
  );
}
