import type { Queryable } from '../../infra/db/index.ts';
import type { ReporterRecordView, ReportView } from './views.ts';

type Row = {
  report_id: string;
  status: 'open' | 'resolved';
  reason: string;
  category: ReportView['category'];
  weight: number;
  source: 'member' | 'system';
  reporter_id: string;
  target_type: string;
  target_id: string;
  owner_id: string;
  preview: string | null;
  hidden: boolean | null;
  open_reports: number;
  open_weight: number;
  action: string | null;
  note: string | null;
  moderator_id: string | null;
  filed_at: Date;
  resolved_at: Date | null;
};

const SELECT = `SELECT r.*, t.preview, t.hidden,
    (SELECT count(*) FROM moderation_reports o WHERE o.target_type = r.target_type AND o.target_id = r.target_id
       AND o.status = 'open')::int AS open_reports,
    (SELECT coalesce(sum(o.weight), 0) FROM moderation_reports o WHERE o.target_type = r.target_type
       AND o.target_id = r.target_id AND o.status = 'open')::float AS open_weight
  FROM moderation_reports r
  LEFT JOIN moderation_targets t ON t.target_type = r.target_type AND t.target_id = r.target_id`;

const toItem = (r: Row): ReportView => ({
  id: r.report_id,
  status: r.status,
  reason: r.reason,
  category: r.category,
  weight: Number(r.weight),
  source: r.source,
  reporterId: r.reporter_id,
  target: {
    type: r.target_type,
    id: r.target_id,
    ownerId: r.owner_id,
    preview: r.preview ?? '',
    hidden: r.hidden ?? false,
    openReports: r.open_reports,
    openWeight: r.open_weight,
  },
  action: r.action,
  note: r.note,
  moderatorId: r.moderator_id,
  filedAt: r.filed_at.toISOString(),
  resolvedAt: r.resolved_at?.toISOString() ?? null,
});

/** Open reports: heaviest target first (the sum of its open reports' weights), then oldest. */
export async function reportQueue(
  db: Queryable,
  status: 'open' | 'resolved',
  limit: number,
): Promise<ReportView[]> {
  const order =
    status === 'open' ? 'open_weight DESC, r.filed_at ASC, r.report_id' : 'r.resolved_at DESC, r.report_id';
  const { rows } = await db.query<Row>(`${SELECT} WHERE r.status = $1 ORDER BY ${order} LIMIT $2`, [
    status,
    limit,
  ]);
  return rows.map(toItem);
}

export async function getReport(db: Queryable, id: string): Promise<ReportView | null> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE r.report_id = $1`, [id]);
  return rows[0] ? toItem(rows[0]) : null;
}

/** A reporter's record with the moderators: how many of their reports were upheld (hide, suspend) or dismissed. */
export async function reporterRecord(db: Queryable, reporterId: string): Promise<ReporterRecordView> {
  const { rows } = await db.query<ReporterRecordView>(
    `SELECT count(*) FILTER (WHERE action IN ('hide', 'suspend'))::int AS upheld,
            count(*) FILTER (WHERE action = 'dismiss')::int AS dismissed
       FROM moderation_reports WHERE reporter_id = $1 AND status = 'resolved'`,
    [reporterId],
  );
  return rows[0] ?? { upheld: 0, dismissed: 0 };
}

/**
 * For a member's data export: the reports they filed (with the moderators' outcome) and those filed about what
 * they wrote, without who filed them (that is the reporter's data, not theirs) or the moderators' notes.
 */
export async function memberReports(db: Queryable, memberId: string) {
  const { rows } = await db.query<Row>(
    `${SELECT} WHERE r.reporter_id = $1 OR (r.owner_id = $1 AND r.source = 'member') ORDER BY r.filed_at, r.report_id`,
    [memberId],
  );
  const about = (r: Row) => ({
    target: { type: r.target_type, id: r.target_id },
    category: r.category,
    reason: r.reason,
    status: r.status,
    action: r.action,
    filedAt: r.filed_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
  });
  return {
    filed: rows.filter((r) => r.reporter_id === memberId).map(about),
    aboutMe: rows.filter((r) => r.owner_id === memberId && r.reporter_id !== memberId).map(about),
  };
}
