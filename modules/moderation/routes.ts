import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../infra/deps.ts';
import { readStreamOf } from '../../infra/event-store/index.ts';
import {
  cursorParam,
  errors,
  HttpError,
  id,
  idParam as idParams,
  listOf,
  multiLine,
  notFound,
  requestMetadata,
  requireRole,
  requireUser,
  singleLine,
} from '../../infra/http/index.ts';
import { isRebuilding } from '../../infra/projections/index.ts';
import { REBUILD_QUEUE } from '../../infra/projections/routes.ts';
import { spendDailyAllowance } from '../../infra/throttle.ts';
import { auditLog } from '../../read-models/audit-log/queries.ts';
import { auditEntryView } from '../../read-models/audit-log/views.ts';
import { getReport, reportQueue } from '../../read-models/moderation-queue/queries.ts';
import { reportView } from '../../read-models/moderation-queue/views.ts';
import { reviewedSession } from '../../read-models/reviews/queries.ts';
import { ACTIONS, type ModerationEvent, REPORT_CATEGORIES, TARGET_TYPES } from './events.ts';
import { changeVisibility, fileReport, resolveReport, resolveTarget } from './handlers.ts';
import { standingOf } from './http/standing-facts.ts';
import { historySchema, note, spamFlag, until } from './schemas.ts';
import { reportStream } from './streams.ts';
import { moderatorOf } from './suspension-routes.ts';

export function moderationRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const show = async (id: string) => {
    const report = await getReport(deps.pool, id);
    if (!report) throw notFound('That report');
    return report;
  };

  r.post(
    '/api/reports',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Report a session, a review or a member to the moderators',
        body: z.object({
          targetType: z.enum(TARGET_TYPES, { error: 'must be session, review or user' }),
          targetId: id(),
          reason: multiLine({ min: 3, max: 1000 }),
          category: z
            .enum(REPORT_CATEGORIES, { error: 'must be spam, harassment, inappropriate or other' })
            .default('other')
            .describe('What the report is about; moderators see it beside the reason'),
        }),
        response: { 201: z.object({ report: reportView }), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const perDay = deps.config.limits.reportsPerDay;
      if (!(await spendDailyAllowance(deps.pool, 'reports', user.id, perDay)).ok) {
        throw new HttpError('rate_limited', `You can file at most ${perDay} reports a day.`);
      }
      const facts = {
        standing: await standingOf(deps.pool, user.id, new Date()),
        hideThreshold: deps.config.reportHideThreshold,
      };
      const id = await fileReport(deps.command, user.id, request.body, facts, requestMetadata(request));
      return reply.code(201).send({ report: await show(id) });
    },
  );

  r.get(
    '/api/moderation/reports',
    {
      schema: {
        tags: ['moderation'],
        summary: 'The moderation queue: open reports, heaviest target first, then oldest',
        querystring: z.object({
          status: z.enum(['open', 'resolved']).default('open'),
          limit: z.coerce.number().int().min(1).max(100).default(50),
        }),
        response: {
          200: z.object({ items: z.array(reportView), nextCursor: z.null() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      requireRole(request, 'moderator');
      return {
        items: await reportQueue(deps.pool, request.query.status, request.query.limit),
        nextCursor: null,
      };
    },
  );

  r.get(
    '/api/moderation/reports/:id',
    {
      schema: {
        tags: ['moderation'],
        summary: 'A report with its history',
        description:
          'For a report on a review, `reviewOf` names the session the review is about (else null).',
        params: idParams,
        response: {
          200: z.object({
            report: reportView,
            history: historySchema,
            reviewOf: z.object({ sessionId: z.string(), sessionTitle: z.string() }).nullable(),
          }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      requireRole(request, 'moderator');
      const report = await show(request.params.id);
      const events = await readStreamOf<ModerationEvent>(deps.command.store, reportStream(report.id));
      const reviewOf =
        report.target.type === 'review' ? await reviewedSession(deps.pool, report.target.id) : null;
      return {
        report,
        reviewOf,
        history: events.map((e) => ({ type: e.type, at: e.recordedAt.toISOString(), data: e.data })),
      };
    },
  );

  r.post(
    '/api/moderation/reports/:id/resolve',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Resolve a report: dismiss it, hide the content, or suspend its owner',
        description:
          'With `suspend`, `spam` and `until` are those of a direct suspension (only an admin may suspend a ' +
          'moderator or an admin: 403, and the report stays open). A spam account is never inferred from the note.',
        params: idParams,
        body: z
          .object({
            action: z.enum(ACTIONS, { error: 'must be dismiss, hide or suspend' }),
            note,
            spam: spamFlag.optional(),
            until,
          })
          .superRefine((body, ctx) => {
            if (body.action === 'suspend') return;
            for (const key of ['spam', 'until'] as const) {
              if (body[key] !== undefined)
                ctx.addIssue({ code: 'custom', path: [key], message: 'only goes with the action suspend' });
            }
          }),
        response: { 200: z.object({ report: reportView }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const moderator = requireRole(request, 'moderator');
      const { action, note: text, spam: forSpam, until: ends } = request.body;
      await resolveReport(
        deps.command,
        moderatorOf(moderator),
        request.params.id,
        { action, note: text, spam: forSpam ?? false, until: ends ?? null },
        requestMetadata(request),
      );
      return { report: await show(request.params.id) };
    },
  );

  for (const action of ['hide', 'restore'] as const) {
    r.post(
      `/api/moderation/content/:type/:id/${action}`,
      {
        schema: {
          tags: ['moderation'],
          summary:
            action === 'hide'
              ? 'Hide a session, review or swap message from reads'
              : 'Show hidden content again',
          params: z.object({ type: z.enum(['session', 'review', 'message']), id: id() }),
          body: z.object({ note }),
          response: { 200: z.object({ hidden: z.boolean() }), ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const moderator = requireRole(request, 'moderator');
        const { type, id } = request.params;
        const target = await resolveTarget(deps.command, type, id);
        if (!target) throw notFound('That content');
        const base = {
          targetType: type,
          targetId: id,
          ownerId: target.ownerId,
          hostId: target.hostId,
          note: request.body.note,
          moderatorId: moderator.id,
        };
        await changeVisibility(
          deps.command,
          action === 'hide' ? { type: 'Hide', data: base } : { type: 'Restore', data: base },
          requestMetadata(request),
        );
        return { hidden: action === 'hide' };
      },
    );
  }

  r.get(
    '/api/admin/audit-log',
    {
      schema: {
        tags: ['administration'],
        summary: 'Every moderation and admin action: who, what, when and why; newest first',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(50),
          cursor: cursorParam.optional(),
        }),
        response: {
          200: listOf(auditEntryView),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return auditLog(deps.pool, request.query.limit, request.query.cursor);
    },
  );

  r.post(
    '/api/admin/projections/:name/rebuild',
    {
      schema: {
        tags: ['administration'],
        summary: 'Rebuild a projection from the event log, without downtime, as a background job',
        description:
          '409 `conflict` while a rebuild of that projection is queued or running (from here or the command ' +
          "line). A job that fails records its error in the projection's `rebuildError` and in the log.",
        params: z.object({ name: singleLine({ min: 1, max: 100, trim: false }) }),
        response: { 202: z.object({ jobId: z.string() }), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const admin = requireRole(request, 'admin');
      const { name } = request.params;
      if (!deps.readModels.includes(name)) throw notFound(`Projection ${name}`);
      // A POST: the pool is the primary's, where the rebuild's lock is held.
      if (await isRebuilding(deps.pool, name))
        throw new HttpError('conflict', `A rebuild of ${name} is already running.`);
      const jobId = await deps.jobs.send(REBUILD_QUEUE, { name }, { singletonKey: name });
      if (!jobId) throw new HttpError('conflict', `A rebuild of ${name} is already queued.`);
      const written = await deps.command.store.append(
        'admin-actions',
        'any',
        [{ type: 'ProjectionRebuildRequested', data: { projection: name, jobId, adminId: admin.id } }],
        { metadata: requestMetadata(request) },
      );
      await deps.command.waitForReadModels(written);
      return reply.code(202).send({ jobId });
    },
  );
}
