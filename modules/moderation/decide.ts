import type { Rejection } from '../../infra/event-store/index.ts';
import type { ModerationEventData, TargetType } from './events.ts';

type Ev<K extends keyof ModerationEventData> = { type: K; data: ModerationEventData[K] };
const reject = (reason: Rejection['reason'], message: string): Rejection => ({ reason, message });

// ---- Reports: one stream per (reporter, target); open or resolved ----

export type Report =
  | { status: 'none' | 'resolved' }
  | { status: 'open'; filing: ModerationEventData['ReportFiled'] };
export type ReportEvent = Ev<'ReportFiled'> | Ev<'ReportResolved'>;
export const initialReport: Report = { status: 'none' };

export function evolveReport(_state: Report, event: ReportEvent): Report {
  return event.type === 'ReportFiled' ? { status: 'open', filing: event.data } : { status: 'resolved' };
}

export type ReportCommand =
  | { type: 'File'; data: ModerationEventData['ReportFiled'] }
  | { type: 'Resolve'; data: { action: 'dismiss' | 'hide' | 'suspend'; note: string; moderatorId: string } };

export function decideReport(cmd: ReportCommand, state: Report): ReportEvent[] | Rejection {
  if (cmd.type === 'File') {
    if (state.status === 'open')
      return reject('conflict', 'You already reported this, and the report is still open.');
    if (cmd.data.source === 'member' && cmd.data.reporterId === cmd.data.ownerId) {
      return reject('forbidden', 'You cannot report yourself or your own content.');
    }
    return [{ type: 'ReportFiled', data: cmd.data }];
  }
  if (state.status !== 'open') {
    return state.status === 'none'
      ? reject('not_found', 'That report was not found.')
      : reject('conflict', 'This report is already resolved.');
  }
  const { reportId, reporterId, targetType, targetId, ownerId } = state.filing;
  if (ownerId === cmd.data.moderatorId)
    return reject('forbidden', 'You cannot act on a report about yourself.');
  if (cmd.data.action === 'hide' && targetType === 'user') {
    return reject('validation_failed', 'action: a member cannot be hidden; suspend them instead');
  }
  return [
    { type: 'ReportResolved', data: { reportId, reporterId, targetType, targetId, ownerId, ...cmd.data } },
  ];
}

// ---- Content visibility: one stream per session or review ----

export type Content = { hidden: boolean };
export type ContentEvent = Ev<'ContentHidden'> | Ev<'ContentRestored'>;
export const initialContent: Content = { hidden: false };
export const evolveContent = (_: Content, e: ContentEvent): Content => ({
  hidden: e.type === 'ContentHidden',
});

type TargetRef = {
  targetType: Exclude<TargetType, 'user'>;
  targetId: string;
  ownerId: string;
  hostId: string | null;
};
export type ContentCommand =
  | {
      type: 'Hide';
      data: TargetRef & { cause: 'moderator' | 'report-weight'; note: string; moderatorId: string | null };
    }
  | { type: 'Restore'; data: TargetRef & { note: string; moderatorId: string } };

export function decideContent(cmd: ContentCommand, state: Content): ContentEvent[] | Rejection {
  if (cmd.data.moderatorId !== null && cmd.data.moderatorId === cmd.data.ownerId) {
    return reject('forbidden', 'You cannot moderate your own content.');
  }
  if (cmd.type === 'Hide') return state.hidden ? [] : [{ type: 'ContentHidden', data: cmd.data }];
  if (!state.hidden) return reject('conflict', 'This content is not hidden.');
  return [{ type: 'ContentRestored', data: cmd.data }];
}

// ---- Suspension: one stream per member ----

export type Suspension = { suspended: boolean };
export type SuspensionEvent = Ev<'MemberSuspended'> | Ev<'MemberUnsuspended'>;
export const initialSuspension: Suspension = { suspended: false };
export const evolveSuspension = (_: Suspension, e: SuspensionEvent): Suspension => ({
  suspended: e.type === 'MemberSuspended',
});

export type SuspensionCommand =
  | { type: 'Suspend'; data: { memberId: string; reason: string; moderatorId: string; forSpam: boolean } }
  | { type: 'Unsuspend'; data: { memberId: string; note: string; moderatorId: string } };

export function decideSuspension(cmd: SuspensionCommand, state: Suspension): SuspensionEvent[] | Rejection {
  if (cmd.data.memberId === cmd.data.moderatorId)
    return reject('forbidden', 'You cannot suspend or unsuspend yourself.');
  if (cmd.type === 'Suspend') {
    if (state.suspended) return reject('conflict', 'This member is already suspended.');
    return [{ type: 'MemberSuspended', data: cmd.data }];
  }
  if (!state.suspended) return reject('conflict', 'This member is not suspended.');
  return [{ type: 'MemberUnsuspended', data: cmd.data }];
}

// ---- Weights and screening (pure) ----

/**
 * How much a report counts: 1, plus up to 1 for a reporter whose past reports moderators upheld (0.25 each), plus
 * 0.5 for a reporter with a good record as a mentor (average rating 4 or more).
 */
export function reportWeight(reporter: { upheldReports: number; averageRating: number | null }): number {
  const upheld = Math.min(1, reporter.upheldReports * 0.25);
  const standing = reporter.averageRating !== null && reporter.averageRating >= 4 ? 0.5 : 0;
  return 1 + upheld + standing;
}

/** The blocked words and link domains a text contains (case-insensitive; words whole, domains with subdomains). */
export function screen(text: string, blocked: { words: string[]; domains: string[] }): string[] {
  const found: string[] = [];
  const lower = text.toLowerCase();
  for (const word of blocked.words) {
    const w = word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (w && new RegExp(`(^|[^\\p{L}\\p{N}])${w}($|[^\\p{L}\\p{N}])`, 'u').test(lower)) found.push(word);
  }
  // Every host-like token, not only what follows `http(s)://`: that missed the real host of a link with user-info
  // (`https://trusted.example@spam.example`, whose host is spam.example) and a domain written without a scheme
  // (`www.spam.example`). A token is taken whole, so lookalikes (notspam.example, spam.example.org) stay apart.
  for (const match of lower.matchAll(/(?<![\p{L}\p{N}-])(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]+/gu)) {
    const host = match[0];
    for (const domain of blocked.domains) {
      const d = domain.toLowerCase();
      if (host === d || host.endsWith(`.${d}`)) found.push(domain);
    }
  }
  return [...new Set(found)];
}
