import type { ModuleContext } from '../../infra/deps.ts';
import { getAccount, getProfile } from '../../read-models/member-profiles/queries.ts';
import { memberReports } from '../../read-models/moderation-queue/queries.ts';
import { listNotifications } from '../../read-models/notifications/queries.ts';
import { memberReviews } from '../../read-models/reviews/queries.ts';
import { mySessions } from '../../read-models/session-listings/queries.ts';
import { memberStream } from './handlers.ts';

/** Version of the export's layout, for whoever reads old files. */
export const EXPORT_FORMAT = 1;

/**
 * Everything a member wrote or that is about them (GDPR art. 15 and 20), as one JSON document: the account and
 * profile, the history of their account as the log holds it (password hashes left out: a hash is no data about
 * anyone, and a leaked export must not be a password to crack), their sessions, reviews written and received
 * (hidden ones too), reports they filed or that were filed about them (without the reporters), and their
 * notifications. Other members appear by id and display name only, as on the site.
 */
export async function memberDataExport(ctx: ModuleContext, memberId: string) {
  const db = ctx.pool;
  const [account, profile, stream, sessions, reviews, reports] = await Promise.all([
    getAccount(db, memberId),
    getProfile(db, memberId),
    ctx.command.store.readStream(memberStream(memberId)),
    mySessions(db, memberId, ctx.command.now()),
    memberReviews(db, memberId),
    memberReports(db, memberId),
  ]);
  const notifications = [];
  for (let cursor: string | undefined, page = 0; page < 1000; page++) {
    const batch = await listNotifications(db, memberId, 100, cursor);
    notifications.push(...batch.items);
    if (!batch.nextCursor) break;
    cursor = batch.nextCursor;
  }
  return {
    format: EXPORT_FORMAT,
    exportedAt: ctx.command.now().toISOString(),
    account: account && {
      id: account.id,
      email: account.email,
      displayName: account.displayName,
      roles: account.roles,
      suspended: account.suspended,
    },
    profile,
    accountHistory: stream.map((e) => {
      const { passwordHash: _hash, ...data } = e.data as Record<string, unknown>;
      return { type: e.type, at: e.recordedAt.toISOString(), data };
    }),
    sessions,
    reviews,
    reports,
    notifications,
  };
}
