import type { Rejection } from '../../infra/event-store/index.ts';
import type { ModerationEvent, ModerationEventData, TargetType } from './events.ts';
import { reportWeight, type Standing, SYSTEM_FLAG_WEIGHT, totalWeight } from './standing.ts';

type Ev<K extends ModerationEvent['type']> = Extract<ModerationEvent, { type: K }>;
const reject = (reason: Rejection['reason'], message: string, details?: Rejection['details']): Rejection => ({
  reason,
  message,
  ...(details ? { details } : {}),
});

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
  | {
      type: 'File';
      /** `standing`: the reporter's record (null for a system flag), from which the report's weight follows. */
      data: Omit<ModerationEventData['ReportFiled'], 'weight'>;
    }
  | { type: 'Resolve'; data: { action: 'dismiss' | 'hide' | 'suspend'; note: string; moderatorId: string } };

const NO_RECORD: Standing = {
  accountAgeDays: 0,
  sessionsAttended: 0,
  sessionsHosted: 0,
  upheldReports: 0,
  dismissedReports: 0,
};

export function decideReport(cmd: ReportCommand, state: Report): ReportEvent[] | Rejection {
  if (cmd.type === 'File') {
    if (state.status === 'open')
      return reject('conflict', 'You already reported this, and the report is still open.');
    if (cmd.data.source === 'member' && cmd.data.reporterId === cmd.data.ownerId) {
      return reject('forbidden', 'You cannot report yourself or your own content.');
    }
    const weight =
      cmd.data.source === 'system' ? SYSTEM_FLAG_WEIGHT : reportWeight(cmd.data.standing ?? NO_RECORD);
    return [{ type: 'ReportFiled', data: { ...cmd.data, weight } }];
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
    return reject('validation_failed', 'action: a member cannot be hidden; suspend them instead', [
      { path: 'action', message: 'a member cannot be hidden; suspend them instead' },
    ]);
  }
  return [
    { type: 'ReportResolved', data: { reportId, reporterId, targetType, targetId, ownerId, ...cmd.data } },
  ];
}

// ---- Content: one stream per session or review; its open reports' weights, and whether it is hidden ----

export type Content = {
  hidden: boolean;
  /** The open reports counted since the content was last restored: report id → weight. */
  counted: Record<string, number>;
};
export type ContentEvent =
  | Ev<'ContentHidden'>
  | Ev<'ContentRestored'>
  | Ev<'ReportCounted'>
  | Ev<'ReportClosed'>;
export const initialContent: Content = { hidden: false, counted: {} };

export function evolveContent(state: Content, e: ContentEvent): Content {
  switch (e.type) {
    case 'ContentHidden':
      return { ...state, hidden: true };
    // A moderator looked and restored it: the reports filed until then have had their say.
    case 'ContentRestored':
      return { hidden: false, counted: {} };
    case 'ReportCounted':
      return { ...state, counted: { ...state.counted, [e.data.reportId]: e.data.weight } };
    case 'ReportClosed': {
      const { [e.data.reportId]: _, ...rest } = state.counted;
      return { ...state, counted: rest };
    }
  }
}

type TargetRef = {
  targetType: Exclude<TargetType, 'user'>;
  targetId: string;
  ownerId: string;
  hostId: string | null;
};
export type ContentCommand =
  | { type: 'Hide'; data: TargetRef & { note: string; moderatorId: string } }
  | { type: 'Restore'; data: TargetRef & { note: string; moderatorId: string } }
  /** A report filed on the content; past `threshold` (REPORT_HIDE_THRESHOLD) the open weight hides it. */
  | { type: 'CountReport'; data: TargetRef & { reportId: string; weight: number; threshold: number } }
  /** A moderator resolved a report on the content; with `hide`, the content is hidden too. */
  | {
      type: 'CloseReport';
      data: TargetRef & {
        reportId: string;
        action: 'dismiss' | 'hide' | 'suspend';
        note: string;
        moderatorId: string;
      };
    };

const hidden = (
  state: Content,
  { targetType, targetId, ownerId, hostId }: TargetRef,
  how: Pick<ModerationEventData['ContentHidden'], 'cause' | 'note' | 'moderatorId'>,
): ContentEvent[] =>
  state.hidden ? [] : [{ type: 'ContentHidden', data: { targetType, targetId, ownerId, hostId, ...how } }];

export function decideContent(cmd: ContentCommand, state: Content): ContentEvent[] | Rejection {
  const { targetType, targetId } = cmd.data;
  switch (cmd.type) {
    case 'CountReport': {
      const { reportId, weight, threshold } = cmd.data;
      if (reportId in state.counted) return [];
      const open = totalWeight([...Object.values(state.counted), weight]);
      const counted: ContentEvent = {
        type: 'ReportCounted',
        data: { targetType, targetId, reportId, weight },
      };
      if (open < threshold) return [counted];
      return [
        counted,
        ...hidden(state, cmd.data, {
          cause: 'report-weight',
          note: `hidden pending review: open reports weigh ${open} (the threshold is ${threshold})`,
          moderatorId: null,
        }),
      ];
    }
    case 'CloseReport': {
      const { reportId, action, note, moderatorId } = cmd.data;
      const closed: ContentEvent[] =
        reportId in state.counted
          ? [{ type: 'ReportClosed', data: { targetType, targetId, reportId, action } }]
          : [];
      if (action !== 'hide') return closed;
      if (moderatorId === cmd.data.ownerId)
        return reject('forbidden', 'You cannot moderate your own content.');
      return [...closed, ...hidden(state, cmd.data, { cause: 'moderator', note, moderatorId })];
    }
    case 'Hide':
    case 'Restore': {
      if (cmd.data.moderatorId === cmd.data.ownerId) {
        return reject('forbidden', 'You cannot moderate your own content.');
      }
      const { note, moderatorId } = cmd.data;
      if (cmd.type === 'Hide') return hidden(state, cmd.data, { cause: 'moderator', note, moderatorId });
      if (!state.hidden) return reject('conflict', 'This content is not hidden.');
      const { ownerId, hostId } = cmd.data;
      return [
        { type: 'ContentRestored', data: { targetType, targetId, ownerId, hostId, note, moderatorId } },
      ];
    }
  }
}

// ---- Suspension: one stream per member ----

export type Suspension = { suspended: boolean; until: string | null };
export type SuspensionEvent = Ev<'MemberSuspended'> | Ev<'MemberUnsuspended'>;
export const initialSuspension: Suspension = { suspended: false, until: null };
export const evolveSuspension = (_: Suspension, e: SuspensionEvent): Suspension =>
  e.type === 'MemberSuspended' ? { suspended: true, until: e.data.until } : { suspended: false, until: null };

/**
 * Who acts on whom, as the edge found them: the moderator, whether they are an admin, and whether the member is
 * staff (a moderator or an admin), whom only an admin may suspend or unsuspend.
 */
type Hierarchy = { moderatorId: string; byAdmin: boolean; memberIsStaff: boolean };

export type SuspensionCommand =
  | {
      type: 'Suspend';
      data: Hierarchy & { memberId: string; reason: string; forSpam: boolean; until: string | null };
      now: Date;
    }
  | { type: 'Unsuspend'; data: Hierarchy & { memberId: string; note: string } }
  /** The suspension's end has come (the job scheduled at its `until`): lifted by the system, once. */
  | { type: 'EndSuspension'; data: { memberId: string; until: string } };

function refuseAcrossRoles(data: Hierarchy & { memberId: string }): Rejection | null {
  if (data.memberId === data.moderatorId)
    return reject('forbidden', 'You cannot suspend or unsuspend yourself.');
  if (data.memberIsStaff && !data.byAdmin) {
    return reject('forbidden', 'Only an admin can suspend or unsuspend a moderator or an admin.');
  }
  return null;
}

export function decideSuspension(cmd: SuspensionCommand, state: Suspension): SuspensionEvent[] | Rejection {
  if (cmd.type === 'EndSuspension') {
    // A job for a suspension lifted (or replaced) since, or one that runs twice, changes nothing.
    if (!state.suspended || state.until !== cmd.data.until) return [];
    const { memberId } = cmd.data;
    return [
      { type: 'MemberUnsuspended', data: { memberId, note: 'The suspension ended.', moderatorId: null } },
    ];
  }
  const refused = refuseAcrossRoles(cmd.data);
  if (refused) return refused;
  if (cmd.type === 'Suspend') {
    const { memberId, reason, moderatorId, forSpam, until } = cmd.data;
    if (until !== null && Date.parse(until) <= cmd.now.getTime()) {
      return reject('validation_failed', 'until: must be in the future', [
        { path: 'until', message: 'must be in the future' },
      ]);
    }
    if (state.suspended) return reject('conflict', 'This member is already suspended.');
    return [{ type: 'MemberSuspended', data: { memberId, reason, moderatorId, forSpam, until } }];
  }
  if (!state.suspended) return reject('conflict', 'This member is not suspended.');
  const { memberId, note, moderatorId } = cmd.data;
  return [{ type: 'MemberUnsuspended', data: { memberId, note, moderatorId } }];
}

// ---- Screening (pure) ----

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
