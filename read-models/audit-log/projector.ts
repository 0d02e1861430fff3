import type { PoolClient } from '../../infra/db/index.ts';
import { defineProjector, type RunOf } from '../../infra/projections/index.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';

type Audited = RunOf<
  IdentityEvent | ModerationEvent,
  | 'ReportResolved'
  | 'ContentHidden'
  | 'ContentRestored'
  | 'MemberSuspended'
  | 'MemberUnsuspended'
  | 'RoleGranted'
  | 'RoleRevoked'
  | 'ProjectionRebuildRequested'
>[number];

type Entry = { action: string; targetType: string; targetId: string; note: string; actorId: string | null };

/** What each moderation or admin event says in the log: who did what to which target, and why. */
function entryOf(event: Audited): Entry {
  // Who acted: the moderator or admin the event names, else the actor of the request that caused it.
  const actor = event.metadata.actorId ?? null;
  switch (event.type) {
    case 'ReportResolved':
    case 'ContentHidden':
    case 'ContentRestored': {
      const d = event.data;
      const action =
        event.type === 'ReportResolved'
          ? `report.${event.data.action}`
          : event.type === 'ContentRestored'
            ? 'content.restored'
            : event.data.cause === 'report-weight'
              ? 'content.hidden-by-reports'
              : 'content.hidden';
      return {
        action,
        targetType: d.targetType,
        targetId: d.targetId,
        note: d.note,
        actorId: d.moderatorId ?? actor,
      };
    }
    case 'MemberSuspended':
      return {
        action: event.data.forSpam ? 'member.suspended-for-spam' : 'member.suspended',
        targetType: 'user',
        targetId: event.data.memberId,
        note: event.data.reason,
        actorId: event.data.moderatorId,
      };
    case 'MemberUnsuspended':
      return {
        action: 'member.unsuspended',
        targetType: 'user',
        targetId: event.data.memberId,
        note: event.data.note,
        actorId: event.data.moderatorId ?? actor,
      };
    case 'RoleGranted':
    case 'RoleRevoked': {
      const via = typeof event.metadata.via === 'string' ? event.metadata.via : '';
      return {
        action: `role.${event.type === 'RoleGranted' ? 'granted' : 'revoked'}.${event.data.role}`,
        targetType: 'user',
        targetId: event.data.memberId,
        note: actor ? '' : `by ${via || 'the admin command line'}`,
        actorId: actor,
      };
    }
    case 'ProjectionRebuildRequested':
      return {
        action: 'projection.rebuild',
        targetType: 'projection',
        targetId: event.data.projection,
        note: `job ${event.data.jobId}`,
        actorId: event.data.adminId,
      };
  }
}

/** A run's entries in one statement, in log order; an entry is the event that made it (a replay adds none). */
async function record(db: PoolClient, run: Audited[]) {
  const entries = run.map((event) => ({ event, ...entryOf(event) }));
  await db.query(
    `INSERT INTO audit_log (entry_id, position, at, actor_id, action, target_type, target_id, note)
     SELECT i, p, a, who, what, t, id, n
       FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         WITH ORDINALITY AS v(i, p, a, who, what, t, id, n, o)
      ORDER BY o
     ON CONFLICT (entry_id) DO NOTHING`,
    [
      entries.map((e) => `${e.event.streamId}:${e.event.streamVersion}`),
      entries.map((e) => e.event.globalPosition),
      entries.map((e) => e.event.recordedAt),
      entries.map((e) => e.actorId),
      entries.map((e) => e.action),
      entries.map((e) => e.targetType),
      entries.map((e) => e.targetId),
      entries.map((e) => e.note),
    ],
  );
}

/** The audit log: every moderation and admin action, who, what, when and why. */
export const auditLogProjector = defineProjector<IdentityEvent | ModerationEvent>({
  name: 'audit_log',
  tables: ['audit_log'],
  on: {
    ReportResolved: record,
    ContentHidden: record,
    ContentRestored: record,
    MemberSuspended: record,
    MemberUnsuspended: record,
    RoleGranted: record,
    RoleRevoked: record,
    ProjectionRebuildRequested: record,
  },
});
