import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';

type Entry = {
  action: string;
  targetType: string | null;
  targetId: string | null;
  note: string;
  actorId: string | null;
};

/** What each moderation or admin event says in the log: who did what to which target, and why. */
function entryOf(event: StoredEvent): Entry | null {
  const d = event.data as Record<string, string | boolean | null | undefined>;
  const actor = (d.moderatorId ?? d.adminId ?? event.metadata.actorId ?? null) as string | null;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (event.type) {
    case 'ReportResolved':
      return {
        action: `report.${d.action}`,
        targetType: str(d.targetType),
        targetId: str(d.targetId),
        note: str(d.note),
        actorId: actor,
      };
    case 'ContentHidden':
      return {
        action: d.cause === 'report-weight' ? 'content.hidden-by-reports' : 'content.hidden',
        targetType: str(d.targetType),
        targetId: str(d.targetId),
        note: str(d.note),
        actorId: actor,
      };
    case 'ContentRestored':
      return {
        action: 'content.restored',
        targetType: str(d.targetType),
        targetId: str(d.targetId),
        note: str(d.note),
        actorId: actor,
      };
    case 'MemberSuspended':
      return {
        action: d.forSpam ? 'member.suspended-for-spam' : 'member.suspended',
        targetType: 'user',
        targetId: str(d.memberId),
        note: str(d.reason),
        actorId: actor,
      };
    case 'MemberUnsuspended':
      return {
        action: 'member.unsuspended',
        targetType: 'user',
        targetId: str(d.memberId),
        note: str(d.note),
        actorId: actor,
      };
    case 'RoleGranted':
    case 'RoleRevoked':
      return {
        action: `role.${event.type === 'RoleGranted' ? 'granted' : 'revoked'}.${d.role}`,
        targetType: 'user',
        targetId: str(d.memberId),
        note: actor ? '' : `by ${str(event.metadata.via) || 'the admin command line'}`,
        actorId: actor,
      };
    case 'ProjectionRebuildRequested':
      return {
        action: 'projection.rebuild',
        targetType: 'projection',
        targetId: str(d.projection),
        note: `job ${str(d.jobId)}`,
        actorId: actor,
      };
  }
  return null;
}

/** The audit log: every moderation and admin action, who, what, when and why. */
export const auditLogProjector: Projector = {
  name: 'audit_log',
  kind: 'read-model',
  tables: ['audit_log'],
  eventTypes: [
    'ReportResolved',
    'ContentHidden',
    'ContentRestored',
    'MemberSuspended',
    'MemberUnsuspended',
    'RoleGranted',
    'RoleRevoked',
    'ProjectionRebuildRequested',
  ],
  handle: async (client, events) => {
    for (const event of events) {
      const e = entryOf(event);
      if (!e) continue;
      await client.query(
        `INSERT INTO audit_log (entry_id, position, at, actor_id, action, target_type, target_id, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (entry_id) DO NOTHING`,
        [
          `${event.streamId}:${event.streamVersion}`,
          event.globalPosition,
          event.recordedAt,
          e.actorId,
          e.action,
          e.targetType,
          e.targetId,
          e.note,
        ],
      );
    }
  },
};
