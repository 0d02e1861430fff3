import { z } from 'zod';
import { defineEvent } from '../../infra/event-store/index.ts';

// Streams: `report-<id>` per (reporter, target) pair, refiled after it is resolved; `content-<type>-<id>` per piece
// of content (hidden or not); `suspension-<memberId>` per member; `admin-actions` for admin actions without a
// stream of their own (rebuild requests).

export const TARGET_TYPES = ['session', 'review', 'user'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];
export const ACTIONS = ['dismiss', 'hide', 'suspend'] as const;

const target = {
  targetType: z.enum(TARGET_TYPES),
  targetId: z.string(),
  /** Who the content belongs to (the host of a session, the author of a review, the member). */
  ownerId: z.string(),
};

export const ReportFiled = defineEvent(
  'ReportFiled',
  1,
  z.object({
    reportId: z.string(),
    reporterId: z.string(),
    ...target,
    reason: z.string(),
    /** How much this report counts towards hiding the content at once (the reporter's standing). */
    weight: z.number(),
    /** `system` for content flagged by the blocked words and domains. */
    source: z.enum(['member', 'system']),
  }),
);

export const ReportResolved = defineEvent(
  'ReportResolved',
  1,
  z.object({
    reportId: z.string(),
    reporterId: z.string(),
    ...target,
    action: z.enum(ACTIONS),
    note: z.string(),
    moderatorId: z.string(),
  }),
);

export const ContentHidden = defineEvent(
  'ContentHidden',
  1,
  z.object({
    ...target,
    /** For a review: the host whose reputation it counts in. */
    hostId: z.string().nullable(),
    cause: z.enum(['moderator', 'report-weight']),
    note: z.string(),
    moderatorId: z.string().nullable(),
  }),
);

export const ContentRestored = defineEvent(
  'ContentRestored',
  1,
  z.object({ ...target, hostId: z.string().nullable(), note: z.string(), moderatorId: z.string() }),
);

export const MemberSuspended = defineEvent(
  'MemberSuspended',
  1,
  z.object({ memberId: z.string(), reason: z.string(), moderatorId: z.string(), forSpam: z.boolean() }),
);

export const MemberUnsuspended = defineEvent(
  'MemberUnsuspended',
  1,
  z.object({ memberId: z.string(), note: z.string(), moderatorId: z.string() }),
);

export const ProjectionRebuildRequested = defineEvent(
  'ProjectionRebuildRequested',
  1,
  z.object({ projection: z.string(), jobId: z.string(), adminId: z.string() }),
);

export const moderationEvents = [
  ReportFiled,
  ReportResolved,
  ContentHidden,
  ContentRestored,
  MemberSuspended,
  MemberUnsuspended,
  ProjectionRebuildRequested,
];

type Data<D> = D extends { schema: infer S extends z.ZodType } ? z.output<S> : never;
export type ModerationEventData = {
  ReportFiled: Data<typeof ReportFiled>;
  ReportResolved: Data<typeof ReportResolved>;
  ContentHidden: Data<typeof ContentHidden>;
  ContentRestored: Data<typeof ContentRestored>;
  MemberSuspended: Data<typeof MemberSuspended>;
  MemberUnsuspended: Data<typeof MemberUnsuspended>;
  ProjectionRebuildRequested: Data<typeof ProjectionRebuildRequested>;
};
