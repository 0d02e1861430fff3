import type { PoolClient } from '../../infra/db/index.ts';
import { defineProjector, type RunOf } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import { DELETED_NAME, type IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';

type Event = SessionEvent | FeedbackEvent | IdentityEvent | ModerationEvent;
type Run<K extends Event['type']> = RunOf<Event, K>;
type Target = { type: string; id: string; ownerId: string | null; text: string };

/** What moderators see of a target is cut to this length. */
const PREVIEW_LENGTH = 500;

/**
 * What moderators see of targets: a session's title, a review's rating and comment, a member's name. Per target
 * the run leaves its last preview and the last owner given (else the one known), as one upsert per event would.
 */
async function preview(
  db: PoolClient,
  run: Run<
    | 'SessionScheduled'
    | 'SessionDetailsChanged'
    | 'ReviewSubmitted'
    | 'ReviewEdited'
    | 'MemberSignedUp'
    | 'ProfileUpdated'
    | 'MemberDeleted'
  >,
) {
  // An edit carries only what changed: the rest of a review's preview is the one it amends, stored or earlier
  // in this run.
  const edited = run.flatMap((e) => (e.type === 'ReviewEdited' ? [e.data.reviewId] : []));
  const { rows } = edited.length
    ? await db.query<{ target_id: string; preview: string }>(
        `SELECT target_id, preview FROM moderation_targets WHERE target_type = 'review' AND target_id = ANY($1)`,
        [edited],
      )
    : { rows: [] };
  const stored = new Map(rows.map((r) => [r.target_id, r.preview]));
  const targets = new Map<string, Target>();
  const put = (type: string, id: string, ownerId: string | null, text: string) => {
    const key = `${type}\u0000${id}`;
    const owner = ownerId ?? targets.get(key)?.ownerId ?? null;
    targets.set(key, { type, id, ownerId: owner, text: text.slice(0, PREVIEW_LENGTH) });
  };
  for (const event of run) {
    switch (event.type) {
      case 'SessionScheduled':
        put('session', event.data.sessionId, event.data.hostId, event.data.title);
        break;
      case 'SessionDetailsChanged':
        if (event.data.title !== undefined) put('session', event.data.sessionId, null, event.data.title);
        break;
      case 'ReviewSubmitted': {
        const { reviewId, authorId, rating, comment } = event.data;
        put('review', reviewId, authorId, `${rating}★ ${comment}`.trim());
        break;
      }
      case 'ReviewEdited': {
        const { reviewId } = event.data;
        let { rating, comment } = event.data;
        if (rating === undefined && comment === undefined) break;
        if (rating === undefined || comment === undefined) {
          const before = targets.get(`review\u0000${reviewId}`)?.text ?? stored.get(reviewId) ?? '';
          const [, stars, said] = /^(?:(\d)★)? ?([\s\S]*)$/.exec(before) ?? [];
          rating ??= stars ? Number(stars) : undefined;
          comment ??= said ?? '';
        }
        put('review', reviewId, null, `${rating ? `${rating}★ ` : ''}${comment ?? ''}`.trim());
        break;
      }
      case 'MemberSignedUp':
        put('user', event.data.memberId, event.data.memberId, event.data.displayName);
        break;
      case 'ProfileUpdated':
        if (event.data.displayName !== undefined)
          put('user', event.data.memberId, event.data.memberId, event.data.displayName);
        break;
      case 'MemberDeleted':
        put('user', event.data.memberId, event.data.memberId, DELETED_NAME);
        break;
    }
  }
  if (targets.size === 0) return;
  const list = [...targets.values()];
  await db.query(
    `INSERT INTO moderation_targets (target_type, target_id, owner_id, preview)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (target_type, target_id) DO UPDATE
       SET preview = excluded.preview, owner_id = coalesce(excluded.owner_id, moderation_targets.owner_id)`,
    [list.map((p) => p.type), list.map((p) => p.id), list.map((p) => p.ownerId), list.map((p) => p.text)],
  );
}

/**
 * Reports filed (or filed again after they were resolved: open again, with the new reason and weight). A report
 * keeps who filed it about what from its first filing; its target is known from then on.
 */
async function file(db: PoolClient, run: Run<'ReportFiled'>) {
  const reports = new Map<string, { first: (typeof run)[number]['data']; last: (typeof run)[number] }>();
  for (const e of run) {
    const before = reports.get(e.data.reportId);
    reports.set(e.data.reportId, { first: before?.first ?? e.data, last: e });
  }
  const list = [...reports.values()];
  await db.query(
    `INSERT INTO moderation_reports (report_id, reporter_id, target_type, target_id, owner_id, reason, weight, source,
       status, filed_at, category)
     SELECT r, p, t, i, o, why, w, s, 'open', a, c
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[],
                   $9::timestamptz[], $10::text[]) AS v(r, p, t, i, o, why, w, s, a, c)
     ON CONFLICT (report_id) DO UPDATE SET reason = excluded.reason, weight = excluded.weight, status = 'open',
       action = NULL, note = NULL, moderator_id = NULL, filed_at = excluded.filed_at, resolved_at = NULL,
       category = excluded.category`,
    [
      list.map((r) => r.first.reportId),
      list.map((r) => r.first.reporterId),
      list.map((r) => r.first.targetType),
      list.map((r) => r.first.targetId),
      list.map((r) => r.first.ownerId),
      list.map((r) => r.last.data.reason),
      list.map((r) => r.last.data.weight),
      list.map((r) => r.first.source),
      list.map((r) => r.last.recordedAt),
      list.map((r) => r.last.data.category),
    ],
  );
  await db.query(
    `INSERT INTO moderation_targets (target_type, target_id, owner_id)
     SELECT t, i, o FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS v(t, i, o, n) ORDER BY n
     ON CONFLICT DO NOTHING`,
    [run.map((e) => e.data.targetType), run.map((e) => e.data.targetId), run.map((e) => e.data.ownerId)],
  );
}

/** Resolutions: the last one of each report in the run stays. */
async function resolve(db: PoolClient, run: Run<'ReportResolved'>) {
  const last = [...new Map(run.map((e) => [e.data.reportId, e])).values()];
  await db.query(
    `UPDATE moderation_reports r SET status = 'resolved', action = v.action, note = v.note, moderator_id = v.moderator,
       resolved_at = v.at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS v(id, action, note, moderator, at)
      WHERE r.report_id = v.id`,
    [
      last.map((e) => e.data.reportId),
      last.map((e) => e.data.action),
      last.map((e) => e.data.note),
      last.map((e) => e.data.moderatorId),
      last.map((e) => e.recordedAt),
    ],
  );
}

/** Hidden or shown again: per target, the owner its first verdict named (if new here) and the last verdict. */
async function moderate(db: PoolClient, run: Run<'ContentHidden' | 'ContentRestored'>) {
  const targets = new Map<string, { type: string; id: string; ownerId: string; hidden: boolean }>();
  for (const e of run) {
    const key = `${e.data.targetType}\u0000${e.data.targetId}`;
    const ownerId = targets.get(key)?.ownerId ?? e.data.ownerId;
    targets.set(key, {
      type: e.data.targetType,
      id: e.data.targetId,
      ownerId,
      hidden: e.type === 'ContentHidden',
    });
  }
  const list = [...targets.values()];
  await db.query(
    `INSERT INTO moderation_targets (target_type, target_id, owner_id, hidden)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])
     ON CONFLICT (target_type, target_id) DO UPDATE SET hidden = excluded.hidden`,
    [list.map((t) => t.type), list.map((t) => t.id), list.map((t) => t.ownerId), list.map((t) => t.hidden)],
  );
}

/** The moderation queue: reports, and what each reported target is (preview, owner, hidden or not). */
export const moderationQueueProjector = defineProjector<Event>({
  name: 'moderation_queue',
  tables: ['moderation_reports', 'moderation_targets'],
  on: {
    SessionScheduled: preview,
    SessionDetailsChanged: preview,
    ReviewSubmitted: preview,
    ReviewEdited: preview,
    MemberSignedUp: preview,
    ProfileUpdated: preview,
    MemberDeleted: preview,
    ReportFiled: file,
    ReportResolved: resolve,
    ContentHidden: moderate,
    ContentRestored: moderate,
  },
});
