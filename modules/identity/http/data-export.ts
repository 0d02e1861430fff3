import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../../infra/deps.ts';
import { readStreamOf } from '../../../infra/event-store/index.ts';
import { errors, requireUser } from '../../../infra/http/index.ts';
import { getAccount, getProfile } from '../../../read-models/member-profiles/queries.ts';
import { memberReports } from '../../../read-models/moderation-queue/queries.ts';
import { listNotifications } from '../../../read-models/notifications/queries.ts';
import { memberReviews } from '../../../read-models/reviews/queries.ts';
import { mySessions } from '../../../read-models/session-listings/queries.ts';
import { memberSwapsExport } from '../../../read-models/swaps/queries.ts';
import { type IdentityEvent, memberStream } from '../events.ts';

/** Version of the export's layout, for whoever reads old files. */
export const EXPORT_FORMAT = 1;

/**
 * Everything a member wrote or that is about them (GDPR art. 15 and 20), as one JSON document: the account and
 * profile, the history of their account as the log holds it (password hashes left out: a hash is no data about
 * anyone, and a leaked export must not be a password to crack), their sessions, reviews written and received
 * (hidden ones too), reports they filed or that were filed about them (without the reporters), their swaps with
 * their threads, and their notifications. Other members appear by id and display name only, as on the site.
 * The other member's messages in a swap's thread are theirs, yet they are in, by the rule that puts reviews
 * received in: words another member addressed to this one, shown to them on the site, under the author's name.
 */
export async function memberDataExport(ctx: ModuleContext, memberId: string) {
  const db = ctx.pool;
  const [account, profile, stream, sessions, reviews, reports, swaps] = await Promise.all([
    getAccount(db, memberId),
    getProfile(db, memberId),
    readStreamOf<IdentityEvent>(ctx.command.store, memberStream(memberId)),
    mySessions(db, memberId, ctx.command.now()),
    memberReviews(db, memberId),
    memberReports(db, memberId),
    memberSwapsExport(db, memberId),
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
      // The hash stays out of the export: it is a secret of the server's, not a fact about the member.
      const { passwordHash: _hash, ...data } = { passwordHash: undefined, ...e.data };
      return { type: e.type, at: e.recordedAt.toISOString(), data };
    }),
    sessions,
    reviews,
    reports,
    swaps,
    notifications,
  };
}

/** GET /api/me/export: "Download my data". */
export function dataExportRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/me/export',
    {
      schema: {
        tags: ['identity'],
        summary: 'Download my data: everything I wrote or that is about me, as one JSON file',
        description:
          'The account and profile, the account history from the event log (no password hashes), sessions hosted ' +
          'and attended, reviews written and received (hidden ones too), reports filed by me or about what I ' +
          'wrote (without who filed them), swaps proposed or received (the other member by id and display name, ' +
          'the skills both ways, status and dates) with their threads (my messages and the other member’s, ' +
          'hidden ones too, marked), and notifications. Sent as an attachment.',
        response: {
          200: z.looseObject({ format: z.number(), exportedAt: z.string() }),
          ...errors(401),
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const data = await memberDataExport(deps, user.id);
      return reply
        .header(
          'content-disposition',
          `attachment; filename="skillswap-data-${data.exportedAt.slice(0, 10)}.json"`,
        )
        .header('cache-control', 'no-store')
        .send(data);
    },
  );
}
