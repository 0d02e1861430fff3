import type { PoolClient } from '../../infra/db/index.ts';
import type { Recorded } from '../../infra/event-store/index.ts';
import { defineProjector } from '../../infra/projections/index.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SwapEvent } from '../../modules/swaps/events.ts';

type Read = SwapEvent | IdentityEvent | ModerationEvent;

const STATUS_OF = {
  SwapAccepted: 'accepted',
  SwapDeclined: 'declined',
  SwapWithdrawn: 'withdrawn',
  SwapExpired: 'expired',
  // A swap ended by a member's departure reads as withdrawn: the API's statuses stay as they are.
  SwapEnded: 'withdrawn',
  SwapCompleted: 'completed',
} as const;

type Answer = keyof typeof STATUS_OF;

/** One statement for a run of answers: each swap takes the status of its last answer in the run. */
const answered = (db: PoolClient, run: Recorded<Extract<SwapEvent, { type: Answer }>>[]) =>
  db.query(
    `UPDATE swaps s SET status = v.status, updated_at = v.at
       FROM (SELECT DISTINCT ON (id) id, status, at FROM unnest($1::text[], $2::text[], $3::timestamptz[])
               WITH ORDINALITY AS u(id, status, at, n) ORDER BY id, n DESC) v
      WHERE s.swap_id = v.id`,
    [run.map((e) => e.data.swapId), run.map((e) => STATUS_OF[e.type]), run.map((e) => e.recordedAt)],
  );

type Message = { id: string; swapId: string; authorId: string; body: string; at: Date };

const addMessages = (db: PoolClient, messages: Message[]) =>
  db.query(
    `INSERT INTO swap_messages (message_id, swap_id, author_id, body, sent_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
     ON CONFLICT (message_id) DO NOTHING`,
    [
      messages.map((m) => m.id),
      messages.map((m) => m.swapId),
      messages.map((m) => m.authorId),
      messages.map((m) => m.body),
      messages.map((m) => m.at),
    ],
  );

/** Moderators hide and restore messages as they do reviews; the last change in a run wins. */
async function visibility(
  db: PoolClient,
  run: Recorded<Extract<Read, { type: 'ContentHidden' | 'ContentRestored' }>>[],
) {
  const hidden = new Map<string, boolean>();
  for (const e of run) {
    if (e.data.targetType === 'message') hidden.set(e.data.targetId, e.type === 'ContentHidden');
  }
  if (hidden.size === 0) return;
  await db.query(
    `UPDATE swap_messages m SET hidden = v.hidden FROM unnest($1::text[], $2::boolean[]) AS v(id, hidden)
      WHERE m.message_id = v.id`,
    [[...hidden.keys()], [...hidden.values()]],
  );
}

export const swapsProjector = defineProjector<Read>({
  name: 'swaps',
  tables: ['swaps', 'swap_messages'],
  on: {
    SwapProposed: async (db, run) => {
      // The proposal's message opens the swap's thread.
      await addMessages(
        db,
        run.map((e) => ({
          id: e.data.swapId,
          swapId: e.data.swapId,
          authorId: e.data.proposerId,
          body: e.data.message,
          at: e.recordedAt,
        })),
      );
      return db.query(
        `INSERT INTO swaps (swap_id, proposer_id, receiver_id, offer_skill, want_skill, status, created_at, expires_at,
           updated_at)
         SELECT id, p, r, o, w, 'proposed', at, x, at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])
             AS u(id, p, r, o, w, at, x)
         ON CONFLICT (swap_id) DO NOTHING`,
        [
          run.map((e) => e.data.swapId),
          run.map((e) => e.data.proposerId),
          run.map((e) => e.data.receiverId),
          run.map((e) => e.data.offerSkill),
          run.map((e) => e.data.wantSkill),
          run.map((e) => e.recordedAt),
          run.map((e) => e.data.expiresAt),
        ],
      );
    },
    SwapMessageSent: (db, run) =>
      addMessages(
        db,
        run.map((e) => ({
          id: e.data.messageId,
          swapId: e.data.swapId,
          authorId: e.data.authorId,
          body: e.data.body,
          at: e.recordedAt,
        })),
      ),
    // A deleted member's words go with them; the thread keeps its shape.
    MemberDeleted: (db, run) =>
      db.query(`UPDATE swap_messages SET body = '' WHERE author_id = ANY($1)`, [
        run.map((e) => e.data.memberId),
      ]),
    ContentHidden: visibility,
    ContentRestored: visibility,
    SwapAccepted: answered,
    SwapDeclined: answered,
    SwapWithdrawn: answered,
    SwapExpired: answered,
    SwapEnded: answered,
    SwapCompleted: answered,
    // Every session of the swap, in the order they were scheduled (a cancelled one stays, as on its page).
    SwapSessionScheduled: (db, run) =>
      db.query(
        `UPDATE swaps s SET session_ids = s.session_ids || v.ids
           FROM (SELECT id, array_agg(session ORDER BY n) AS ids
                   FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(id, session, n) GROUP BY id) v
          WHERE s.swap_id = v.id AND NOT s.session_ids && v.ids`,
        [run.map((e) => e.data.swapId), run.map((e) => e.data.sessionId)],
      ),
  },
});
