import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import { auditLogProjector } from './projector.ts';

const spec = await projectorSpec(auditLogProjector);

describe('the audit log', () => {
  it('records who did what to which target, and why', async () => {
    await spec.reset();
    const history: (IdentityEvent | ModerationEvent)[] = [
      {
        type: 'ContentHidden',
        data: {
          targetType: 'review',
          targetId: 'r1',
          ownerId: 'ben',
          hostId: 'ana',
          cause: 'report-weight',
          note: 'reports',
          moderatorId: null,
        },
      },
      {
        type: 'MemberSuspended',
        data: { memberId: 'ben', reason: 'spam', moderatorId: 'mod', forSpam: true, until: null },
      },
      { type: 'RoleGranted', data: { memberId: 'cy', role: 'moderator' } },
      { type: 'MemberUnsuspended', data: { memberId: 'ben', note: 'time is up', moderatorId: null } },
      { type: 'ProjectionRebuildRequested', data: { projection: 'reviews', jobId: 'j1', adminId: 'adm' } },
    ];
    await spec.given(history);
    expect(
      await spec.rows(
        'SELECT position, actor_id, action, target_type, target_id, note FROM audit_log ORDER BY position',
      ),
    ).toEqual([
      {
        position: 1,
        actor_id: null,
        action: 'content.hidden-by-reports',
        target_type: 'review',
        target_id: 'r1',
        note: 'reports',
      },
      {
        position: 2,
        actor_id: 'mod',
        action: 'member.suspended-for-spam',
        target_type: 'user',
        target_id: 'ben',
        note: 'spam',
      },
      {
        position: 3,
        actor_id: null,
        action: 'role.granted.moderator',
        target_type: 'user',
        target_id: 'cy',
        note: 'by the admin command line',
      },
      {
        position: 4,
        actor_id: null,
        action: 'member.unsuspended',
        target_type: 'user',
        target_id: 'ben',
        note: 'time is up',
      },
      {
        position: 5,
        actor_id: 'adm',
        action: 'projection.rebuild',
        target_type: 'projection',
        target_id: 'reviews',
        note: 'job j1',
      },
    ]);
  });
});
