import { emailLinkOrigin } from '../../infra/config.ts';
import type { Queryable } from '../../infra/db/index.ts';
import type { ModuleContext } from '../../infra/deps.ts';
import { defineReactor } from '../../infra/projections/index.ts';
import type { SwapEvent } from './events.ts';

export const UNREAD_MESSAGE_QUEUE = 'swap-message-unread';
/** How long a message waits unread before its recipient is emailed about it. */
export const UNREAD_EMAIL_AFTER_MS = 3600_000;

type UnreadJob = { swapId: string; memberId: string; messageId: string; sentAt: string };

/** What the job is told by the read models (handed in by the module's index, its edge). */
export type UnreadFacts = {
  /** The other member's visible messages in the swap whose notification the member has not opened. */
  unread: (db: Queryable, swapId: string, memberId: string) => Promise<{ messageId: string }[]>;
  swap: (db: Queryable, swapId: string) => Promise<{ offerSkill: string; wantSkill: string } | null>;
  recipient: (db: Queryable, memberId: string) => Promise<{ email: string; displayName: string } | null>;
};

/** Each message's check, an hour after it was sent, as a pg-boss job (kept in the database: it survives a restart). */
export const unreadMessageScheduler = defineReactor<SwapEvent>({
  name: 'swap_unread_messages',
  on: {
    SwapMessageSent: async (_db, run, { jobs }) => {
      for (const { data, recordedAt } of run) {
        const job: UnreadJob = {
          swapId: data.swapId,
          memberId: data.recipientId,
          messageId: data.messageId,
          sentAt: recordedAt.toISOString(),
        };
        await jobs.send(UNREAD_MESSAGE_QUEUE, job, {
          singletonKey: data.messageId,
          startAfter: new Date(recordedAt.getTime() + UNREAD_EMAIL_AFTER_MS),
        });
      }
    },
  },
});

/**
 * An hour after a message, if the recipient has still not read it (opened its notification or the thread), one
 * email says how many messages wait, without their text (it may be erased or hidden later; an email cannot be).
 * A burst of messages brings one email: the email covers every message up to its sending, and a later job whose
 * message it covered sends nothing. The claim is taken before sending and given back if the mail server refuses,
 * so two jobs at once send one email, and a failed one is tried again by pg-boss.
 */
export async function emailUnreadMessages(
  ctx: Pick<ModuleContext, 'pool' | 'mailer' | 'config'>,
  facts: UnreadFacts,
  job: UnreadJob,
  now = new Date(),
) {
  const unread = await facts.unread(ctx.pool, job.swapId, job.memberId);
  if (!unread.some((m) => m.messageId === job.messageId)) return;
  const [swap, to] = await Promise.all([
    facts.swap(ctx.pool, job.swapId),
    facts.recipient(ctx.pool, job.memberId),
  ]);
  if (!swap || !to) return;
  const { rows: claimed } = await ctx.pool.query<{ previous: Date | null }>(
    `INSERT INTO swap_emails_sent AS s (swap_id, member_id, covers_until) VALUES ($1, $2, $3)
     ON CONFLICT (swap_id, member_id) DO UPDATE SET covers_until = EXCLUDED.covers_until
       WHERE s.covers_until < $4
     RETURNING (SELECT covers_until FROM swap_emails_sent WHERE swap_id = $1 AND member_id = $2) AS previous`,
    [job.swapId, job.memberId, now, job.sentAt],
  );
  if (claimed.length === 0) return;
  const n = unread.length;
  try {
    await ctx.mailer.send({
      to: to.email,
      subject: `${n === 1 ? 'A message waits' : `${n} messages wait`} for you in your swap (${swap.wantSkill} for ${swap.offerSkill})`,
      text: [
        `Hello ${to.displayName},`,
        '',
        `${n === 1 ? 'A message from your swap partner has' : `${n} messages from your swap partner have`} been waiting for an hour.`,
        `Read and answer on the swap's page: ${emailLinkOrigin(ctx.config)}/swaps/${job.swapId}`,
        '',
        'You get this email when a message in one of your swaps stays unread for an hour.',
      ].join('\n'),
    });
  } catch (err) {
    const previous = claimed[0]?.previous ?? null;
    await ctx.pool
      .query(
        previous
          ? 'UPDATE swap_emails_sent SET covers_until = $3 WHERE swap_id = $1 AND member_id = $2'
          : 'DELETE FROM swap_emails_sent WHERE swap_id = $1 AND member_id = $2',
        previous ? [job.swapId, job.memberId, previous] : [job.swapId, job.memberId],
      )
      .catch(() => {});
    throw err;
  }
}

export async function startUnreadMessageWorker(context: ModuleContext, facts: UnreadFacts) {
  await context.jobs.define<UnreadJob>(UNREAD_MESSAGE_QUEUE, (job) =>
    emailUnreadMessages(context, facts, job),
  );
}
