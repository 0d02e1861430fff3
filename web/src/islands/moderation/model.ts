// Shapes of the moderation and admin API answers, and the wording moderators see for them. Shared by the
// server-rendered pages and the islands, so the queue, the detail page and the audit log name things alike.

import type { ProjectionStatus, SetAsideView } from '../../../../infra/projections/views.ts';
import type { HistoryEntry, MemberSuspension } from '../../../../modules/moderation/schemas.ts';
import type { AuditEntryView } from '../../../../read-models/audit-log/views.ts';
import type { ReportView } from '../../../../read-models/moderation-queue/views.ts';

export type { HistoryEntry, MemberSuspension };
export type Report = ReportView;
export type AuditEntry = AuditEntryView;
export type Projection = ProjectionStatus;
/** An event a projector or reactor set aside (GET /api/admin/projections/set-aside). */
export type SetAsideEvent = SetAsideView;

export type TargetType = 'session' | 'review' | 'user';
export type ResolveAction = 'dismiss' | 'hide' | 'suspend';

export type ReportCategory = Report['category'];

/** How moderators see each category. Reports from before categories read as "Other". */
export const CATEGORY_LABEL: Record<ReportCategory, string> = {
  spam: 'Spam',
  harassment: 'Harassment',
  inappropriate: 'Inappropriate',
  other: 'Other',
};

/** Sent on window when a retry changed the set-aside events, for the projections table to refresh. */
export const SET_ASIDE_CHANGED = 'skillswap:set-aside-changed';

export const TARGET_LABEL: Record<string, string> = { session: 'Session', review: 'Review', user: 'Member' };

export function targetLabel(type: string): string {
  return TARGET_LABEL[type] ?? type;
}

/**
 * Where a target can be seen. A review has no page of its own and the report does not say which session it
 * belongs to, so the caller falls back to its author's profile.
 */
export function targetHref(type: string, id: string): string | null {
  if (type === 'session') return `/sessions/${encodeURIComponent(id)}`;
  if (type === 'user') return `/users/${encodeURIComponent(id)}`;
  return null;
}

export const userHref = (id: string) => `/users/${encodeURIComponent(id)}`;
export const reportHref = (id: string) => `/moderation/reports/${encodeURIComponent(id)}`;
export const manageHref = (id: string) => `/admin/members?member=${encodeURIComponent(id)}`;

export const OUTCOME_LABEL: Record<string, string> = {
  dismiss: 'Dismissed',
  hide: 'Content hidden',
  suspend: 'Owner suspended',
};

/** Audit actions are dotted machine names (report.hide, role.granted.admin); people read sentences. */
export function auditActionLabel(action: string): string {
  const fixed: Record<string, string> = {
    'report.dismiss': 'Report dismissed',
    'report.hide': 'Report upheld: content hidden',
    'report.suspend': 'Report upheld: owner suspended',
    'content.hidden': 'Content hidden',
    'content.hidden-by-reports': 'Hidden by reports',
    'content.restored': 'Content restored',
    'member.suspended': 'Member suspended',
    'member.suspended-for-spam': 'Suspended for spam',
    'member.unsuspended': 'Suspension lifted',
    'projection.rebuild': 'Projection rebuild',
  };
  if (fixed[action]) return fixed[action];
  const role = /^role\.(granted|revoked)\.(.+)$/.exec(action);
  if (role) return `Role ${role[1]}: ${role[2]}`;
  return action;
}

/** Tone of an audit action, for its badge: removals read as danger, restorations as success. */
export function auditTone(action: string): 'danger' | 'success' | 'info' | 'neutral' {
  if (/hidden|suspended|report\.(hide|suspend)/.test(action)) return 'danger';
  if (/restored|unsuspended/.test(action)) return 'success';
  if (action.startsWith('role.') || action.startsWith('projection.')) return 'info';
  return 'neutral';
}

/** Weights are sums of 1, 1.25, 1.5…: show at most two decimals and no trailing zeros. */
export function formatWeight(weight: number): string {
  return Number.isFinite(weight) ? String(Math.round(weight * 100) / 100) : '0';
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A short quotation of user text (a review's preview) for places with room for one line. */
export function quote(text: string, max = 60): string {
  return `“${text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text}”`;
}

/** A member id from what an admin pastes: a bare id, or a profile URL or path (/users/<id>). */
export function memberIdFrom(input: string): string {
  const text = input.trim();
  const match = /\/users\/([^/?#\s]+)/.exec(text);
  const id = match ? decodeURIComponent(match[1] ?? '') : text;
  return id.slice(0, 100);
}
