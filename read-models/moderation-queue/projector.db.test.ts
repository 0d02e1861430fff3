import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import { moderationQueueProjector } from './projector.ts';

type Event = SessionEvent | FeedbackEvent | IdentityEvent | ModerationEvent;
const spec = await projectorSpec(moderationQueueProjector);

const filed = (reportId: string, reason: string, weight: number): Event => ({
  type: 'ReportFiled',
  data: {
    reportId,
    reporterId: 'cy',
    targetType: 'review',
    targetId: 'r1',
    ownerId: 'ben',
    reason,
    weight,
    source: 'member',
    standing: null,
    category: 'other',
  },
});
const resolved = (reportId: string, action: 'dismiss' | 'hide'): Event => ({
  type: 'ReportResolved',
  data: {
    reportId,
    reporterId: 'cy',
    targetType: 'review',
    targetId: 'r1',
    ownerId: 'ben',
    action,
    note: `${action}ed`,
    moderatorId: 'mod',
  },
});

const history: Event[] = [
  {
    type: 'MemberSignedUp',
    data: {
      memberId: 'ben',
      displayName: 'Ben',
      email: 'ben@example.org',
      passwordHash: 'x',
      timezone: 'UTC',
    },
  },
  {
    type: 'ReviewSubmitted',
    data: {
      reviewId: 'r1',
      sessionId: 's1',
      hostId: 'ana',
      authorId: 'ben',
      skill: 'Baking',
      rating: 2,
      comment: `Bad ${'x'.repeat(600)}`,
      swapId: null,
    },
  },
  { type: 'ReviewEdited', data: { reviewId: 'r1', hostId: 'ana', rating: 1 } },
  filed('p1', 'rude', 0.5),
  resolved('p1', 'dismiss'),
  filed('p1', 'still rude', 1.25),
  { type: 'ReviewEdited', data: { reviewId: 'r1', hostId: 'ana', comment: 'Rude words' } },
  { type: 'ProfileUpdated', data: { memberId: 'ben', displayName: 'Ben B.' } },
  {
    type: 'ContentHidden',
    data: {
      targetType: 'review',
      targetId: 'r1',
      ownerId: 'ben',
      hostId: 'ana',
      cause: 'report-weight',
      note: '',
      moderatorId: null,
    },
  },
  resolved('p1', 'hide'),
  {
    type: 'ContentRestored',
    data: {
      targetType: 'review',
      targetId: 'r1',
      ownerId: 'ben',
      hostId: 'ana',
      note: '',
      moderatorId: 'mod',
    },
  },
  {
    type: 'ContentHidden',
    data: {
      targetType: 'review',
      targetId: 'r1',
      ownerId: 'ben',
      hostId: 'ana',
      cause: 'moderator',
      note: '',
      moderatorId: 'mod',
    },
  },
];

describe('the moderation queue', () => {
  it('keeps each report in its latest state and what moderators see of its target', async () => {
    await spec.reset();
    await spec.given(history);
    expect(
      await spec.rows('SELECT report_id, reason, weight, status, action, note FROM moderation_reports'),
    ).toEqual([
      {
        report_id: 'p1',
        reason: 'still rude',
        weight: 1.25,
        status: 'resolved',
        action: 'hide',
        note: 'hideed',
      },
    ]);
    expect(
      await spec.rows(
        'SELECT target_type, target_id, owner_id, preview, hidden FROM moderation_targets ORDER BY target_type',
      ),
    ).toEqual([
      { target_type: 'review', target_id: 'r1', owner_id: 'ben', preview: '1★ Rude words', hidden: true },
      { target_type: 'user', target_id: 'ben', owner_id: 'ben', preview: 'Ben B.', hidden: false },
    ]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(history);
    expect(oneByOne).toEqual(batched);
  });

  it('amends a long comment cut to its preview as one edit at a time does', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(history.slice(0, 3));
    expect(oneByOne).toEqual(batched);
    expect(
      await spec.rows<{ preview: string }>(
        `SELECT preview FROM moderation_targets WHERE target_type = 'review'`,
      ),
    ).toEqual([{ preview: `1★ Bad ${'x'.repeat(493)}` }]);
  });
});
