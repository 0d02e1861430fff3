import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import { DELETED_NAME } from '../../modules/identity/index.ts';
import type { ModerationEventData } from '../../modules/moderation/index.ts';
import { inRuns } from '../shared/runs.ts';

type D<K extends keyof ModerationEventData> = ModerationEventData[K];

type Preview = (type: string, id: string, ownerId: string | null, text: string) => Promise<void>;

/** Upserts what moderators see of targets: the latest preview, and the latest owner given (else the one known). */
async function previews(
  client: PoolClient,
  list: { type: string; id: string; ownerId: string | null; text: string }[],
) {
  await client.query(
    `INSERT INTO moderation_targets (target_type, target_id, owner_id, preview)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (target_type, target_id) DO UPDATE
       SET preview = excluded.preview, owner_id = coalesce(excluded.owner_id, moderation_targets.owner_id)`,
    [
      list.map((p) => p.type),
      list.map((p) => p.id),
      list.map((p) => p.ownerId),
      list.map((p) => p.text.slice(0, 500)),
    ],
  );
}

/**
 * Events that only set previews (the bulk of this projector's log) come in runs written with one upsert: per
 * target the last preview and the last owner given, as one upsert per event would have left them. ReviewEdited is
 * not among them: it reads the preview it amends.
 */
const PREVIEW_EVENTS: ReadonlySet<string> = new Set([
  'SessionScheduled',
  'SessionDetailsChanged',
  'ReviewSubmitted',
  'MemberSignedUp',
  'ProfileUpdated',
  'MemberDeleted',
]);

async function previewRun(client: PoolClient, events: StoredEvent[]) {
  const targets = new Map<string, { type: string; id: string; ownerId: string | null; text: string }>();
  const put: Preview = async (type, id, ownerId, text) => {
    const key = `${type}\u0000${id}`;
    targets.set(key, { type, id, ownerId: ownerId ?? targets.get(key)?.ownerId ?? null, text });
  };
  for (const event of events) await apply(client, event, put);
  if (targets.size > 0) await previews(client, [...targets.values()]);
}

async function apply(
  client: PoolClient,
  event: StoredEvent,
  preview: Preview = (type, id, ownerId, text) => previews(client, [{ type, id, ownerId, text }]),
) {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    // What moderators see of a target: a session's title, a review's comment, a member's name.
    case 'SessionScheduled':
    case 'SessionDetailsChanged':
      if (typeof d.title === 'string')
        await preview('session', d.sessionId as string, (d.hostId as string) ?? null, d.title);
      return;
    case 'ReviewSubmitted':
    case 'ReviewEdited':
      if (typeof d.comment === 'string' || typeof d.rating === 'number') {
        let rating = d.rating as number | undefined;
        let comment = d.comment as string | undefined;
        if (event.type === 'ReviewEdited' && (rating === undefined || comment === undefined)) {
          // An edit carries only what changed: the preview lost the comment on a rating-only edit (and the rating
          // on a comment-only one), so a reported review's words vanished from the queue. The rest is the preview's.
          const { rows } = await client.query<{ preview: string }>(
            `SELECT preview FROM moderation_targets WHERE target_type = 'review' AND target_id = $1`,
            [d.reviewId],
          );
          const [, before, said] = /^(?:(\d)★)? ?([\s\S]*)$/.exec(rows[0]?.preview ?? '') ?? [];
          rating ??= before ? Number(before) : undefined;
          comment ??= said ?? '';
        }
        const text = `${rating ? `${rating}★ ` : ''}${comment ?? ''}`.trim();
        await preview('review', d.reviewId as string, (d.authorId as string) ?? null, text);
      }
      return;
    case 'MemberSignedUp':
    case 'ProfileUpdated':
      if (typeof d.displayName === 'string')
        await preview('user', d.memberId as string, d.memberId as string, d.displayName);
      return;
    case 'MemberDeleted':
      await preview('user', d.memberId as string, d.memberId as string, DELETED_NAME);
      return;
    case 'ReportFiled': {
      const r = d as D<'ReportFiled'>;
      await client.query(
        `INSERT INTO moderation_reports (report_id, reporter_id, target_type, target_id, owner_id, reason, weight, source,
           status, filed_at, category)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10)
         ON CONFLICT (report_id) DO UPDATE SET reason = $6, weight = $7, status = 'open', action = NULL, note = NULL,
           moderator_id = NULL, filed_at = $9, resolved_at = NULL, category = $10`,
        [
          r.reportId,
          r.reporterId,
          r.targetType,
          r.targetId,
          r.ownerId,
          r.reason,
          r.weight,
          r.source,
          event.recordedAt,
          r.category,
        ],
      );
      await client.query(
        `INSERT INTO moderation_targets (target_type, target_id, owner_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [r.targetType, r.targetId, r.ownerId],
      );
      return;
    }
    case 'ReportResolved': {
      const r = d as D<'ReportResolved'>;
      await client.query(
        `UPDATE moderation_reports SET status = 'resolved', action = $2, note = $3, moderator_id = $4, resolved_at = $5
          WHERE report_id = $1`,
        [r.reportId, r.action, r.note, r.moderatorId, event.recordedAt],
      );
      return;
    }
    case 'ContentHidden':
    case 'ContentRestored': {
      const r = d as D<'ContentHidden'>;
      await client.query(
        `INSERT INTO moderation_targets (target_type, target_id, owner_id, hidden) VALUES ($1, $2, $3, $4)
         ON CONFLICT (target_type, target_id) DO UPDATE SET hidden = $4`,
        [r.targetType, r.targetId, r.ownerId, event.type === 'ContentHidden'],
      );
      return;
    }
  }
}

/** The moderation queue: reports, and what each reported target is (preview, owner, hidden or not). */
export const moderationQueueProjector: Projector = {
  name: 'moderation_queue',
  kind: 'read-model',
  tables: ['moderation_reports', 'moderation_targets'],
  eventTypes: [
    'SessionScheduled',
    'SessionDetailsChanged',
    'ReviewSubmitted',
    'ReviewEdited',
    'MemberSignedUp',
    'ProfileUpdated',
    'MemberDeleted',
    'ReportFiled',
    'ReportResolved',
    'ContentHidden',
    'ContentRestored',
  ],
  handle: async (client, events) => {
    await inRuns(
      events,
      PREVIEW_EVENTS,
      (run) => previewRun(client, run),
      (event) => apply(client, event),
    );
  },
};
