import type { PoolClient } from '../../infra/db/index.ts';
import type { Recorded } from '../../infra/event-store/index.ts';
import { defineProjector } from '../../infra/projections/index.ts';
import type { SwapEvent } from '../../modules/swaps/index.ts';

const STATUS_OF = {
  SwapAccepted: 'accepted',
  SwapDeclined: 'declined',
  SwapWithdrawn: 'withdrawn',
  SwapExpired: 'expired',
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

export const swapsProjector = defineProjector<SwapEvent>({
  name: 'swaps',
  tables: ['swaps'],
  on: {
    SwapProposed: (db, run) =>
      db.query(
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
      ),
    SwapAccepted: answered,
    SwapDeclined: answered,
    SwapWithdrawn: answered,
    SwapExpired: answered,
  },
});
