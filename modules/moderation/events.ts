import { z } from 'zod';
import { defineEvent, type EventDataOf, type EventsOf } from '../../infra/event-store/index.ts';
import { standingSchema } from './standing.ts';

// Streams: `report-<id>` per (reporter, target) pair, refiled after it is resolved; `content-<type>-<id>` per
// session or review: the weights of its open reports and whether it is hidden, so that hiding by weight is decided
// from that stream's own state in the append that counts the report; `suspension-<memberId>` per member;
// `admin-actions` for admin actions without a stream of their own (rebuild requests).

export const TARGET_TYPES = ['session', 'review', 'user', 'message'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];
export const ACTIONS = ['dismiss', 'hide', 'suspend'] as const;
/** What a report is about, chosen by the reporter beside the free text (moderators sort and read by it). */
export const REPORT_CATEGORIES = ['spam', 'harassment', 'inappropriate', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

const target = {
  targetType: z.enum(TARGET_TYPES),
  targetId: z.string(),
  /** Who the content belongs to (the host of a session, the author of a review, the member). */
  ownerId: z.string(),
};

const contentTarget = { targetType: z.enum(['session', 'review', 'message']), targetId: z.string() };

export const ReportFiled = defineEvent(
  'ReportFiled',
  3,
  z.object({
    reportId: z.string(),
    reporterId: z.string(),
    ...target,
    reason: z.string(),
    /** How much this report counts towards hiding the content at once (reportWeight of `standing`). */
    weight: z.number(),
    /** `system` for content flagged by the blocked words and domains. */
    source: z.enum(['member', 'system']),
    /** The reporter's record the weight was worked out from; null for system flags (and reports before v2). */
    standing: standingSchema.nullable(),
    /** Since v3; reports before it, and system flags, are `other`. */
    category: z.enum(REPORT_CATEGORIES),
  }),
  {
    1: (v1) => ({ ...(v1 as object), standing: null }),
    2: (v2) => ({ ...(v2 as object), category: 'other' }),
  },
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
  2,
  z.object({
    memberId: z.string(),
    reason: z.string(),
    moderatorId: z.string(),
    /** A spam account: its email address cannot sign up again while it is suspended. */
    forSpam: z.boolean(),
    /** When the suspension ends by itself (an ISO time in UTC); null: until a moderator lifts it. */
    until: z.string().nullable(),
  }),
  { 1: (v1) => ({ ...(v1 as object), until: null }) },
);

export const MemberUnsuspended = defineEvent(
  'MemberUnsuspended',
  2,
  z.object({
    memberId: z.string(),
    note: z.string(),
    /** Null when the suspension ended by itself, at its `until`. */
    moderatorId: z.string().nullable(),
  }),
  { 1: (v1) => v1 },
);

/** A report counts towards hiding its session or review (stream `content-<type>-<id>`), with its weight. */
export const ReportCounted = defineEvent(
  'ReportCounted',
  1,
  z.object({ ...contentTarget, reportId: z.string(), weight: z.number() }),
);

/** A counted report counts no more: a moderator resolved it (dismissed it, or acted on it). */
export const ReportClosed = defineEvent(
  'ReportClosed',
  1,
  z.object({ ...contentTarget, reportId: z.string(), action: z.enum(ACTIONS) }),
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
  ReportCounted,
  ReportClosed,
  ProjectionRebuildRequested,
];

/** Every event the moderation module publishes. */
export type ModerationEvent = EventsOf<typeof moderationEvents>;
export type ModerationEventData = EventDataOf<ModerationEvent>;
