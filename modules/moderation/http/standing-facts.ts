import type { Queryable } from '../../../infra/db/index.ts';
import { getProfile } from '../../../read-models/member-profiles/queries.ts';
import { reporterRecord } from '../../../read-models/moderation-queue/queries.ts';
import { completedSessionCounts } from '../../../read-models/session-listings/queries.ts';
import type { Standing } from '../standing.ts';

const DAY = 86_400_000;

/**
 * A reporter's record, gathered at the edge for the report command (reportWeight turns it into the report's
 * weight). From the read models, unlike the facts decisions must not get wrong: each of these is a count over many
 * streams (every session attended, every report filed), which only the projections hold, and one a moment stale
 * moves a weight by a step at most. The record the weight came from is kept in the ReportFiled event.
 */
export async function standingOf(pool: Queryable, memberId: string, now: Date): Promise<Standing> {
  const [profile, sessions, reports] = await Promise.all([
    getProfile(pool, memberId),
    completedSessionCounts(pool, memberId),
    reporterRecord(pool, memberId),
  ]);
  const age = profile ? now.getTime() - Date.parse(profile.joinedAt) : 0;
  return {
    accountAgeDays: Math.max(0, Math.floor(age / DAY)),
    sessionsAttended: sessions.attended,
    sessionsHosted: sessions.hosted,
    upheldReports: reports.upheld,
    dismissedReports: reports.dismissed,
  };
}
