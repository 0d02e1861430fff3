import type { PoolClient } from '../../infra/db/index.ts';
import { defineProjector, type RunOf } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import type { SwapEvent } from '../../modules/swaps/events.ts';
import { addReviews, namePeople, titleSessions } from './batches.ts';

/** Edits merged per review in log order: a later rating or comment wins, and the last edit's time stays. */
async function edit(db: PoolClient, run: RunOf<FeedbackEvent, 'ReviewEdited'>) {
  const edits = new Map<string, { rating: number | null; comment: string | null; at: Date }>();
  for (const { data, recordedAt } of run) {
    const before = edits.get(data.reviewId);
    edits.set(data.reviewId, {
      rating: data.rating ?? before?.rating ?? null,
      comment: data.comment ?? before?.comment ?? null,
      at: recordedAt,
    });
  }
  const list = [...edits];
  await db.query(
    `UPDATE reviews r SET rating = coalesce(v.rating, r.rating), comment = coalesce(v.comment, r.comment), edited_at = v.at
       FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[]) AS v(id, rating, comment, at)
      WHERE r.review_id = v.id`,
    [
      list.map(([id]) => id),
      list.map(([, e]) => e.rating),
      list.map(([, e]) => e.comment),
      list.map(([, e]) => e.at),
    ],
  );
}

async function remove(db: PoolClient, run: RunOf<FeedbackEvent, 'ReviewDeleted'>) {
  await db.query('UPDATE reviews SET deleted = true WHERE review_id = ANY($1)', [
    run.map((e) => e.data.reviewId),
  ]);
}

/** Moderation's verdicts on reviews; the last one of each stays. */
async function moderate(db: PoolClient, run: RunOf<ModerationEvent, 'ContentHidden' | 'ContentRestored'>) {
  const hidden = new Map<string, boolean>();
  for (const e of run)
    if (e.data.targetType === 'review') hidden.set(e.data.targetId, e.type === 'ContentHidden');
  if (hidden.size === 0) return;
  await db.query(
    `UPDATE reviews r SET hidden = v.hidden FROM unnest($1::text[], $2::boolean[]) AS v(id, hidden)
      WHERE r.review_id = v.id`,
    [[...hidden.keys()], [...hidden.values()]],
  );
}

/** A swap's reviews are shown from their reveal on (sealed until then). */
async function reveal(db: PoolClient, run: RunOf<SwapEvent, 'SwapReviewsRevealed'>) {
  await db.query('UPDATE reviews SET sealed = false WHERE review_id = ANY($1)', [
    run.flatMap((e) => e.data.reviewIds),
  ]);
}

/** Reviews with their authors' names, session titles and the host's reply. */
export const reviewsProjector = defineProjector<
  IdentityEvent | SessionEvent | FeedbackEvent | ModerationEvent | SwapEvent
>({
  name: 'reviews',
  tables: ['reviews', 'review_people', 'review_sessions'],
  on: {
    MemberSignedUp: namePeople,
    ProfileUpdated: namePeople,
    MemberDeleted: namePeople,
    SessionScheduled: titleSessions,
    SessionDetailsChanged: titleSessions,
    // A reply comes after its review: new reviews, then replies, is their order.
    ReviewSubmitted: addReviews,
    HostReplied: addReviews,
    ReviewEdited: edit,
    ReviewDeleted: remove,
    ContentHidden: moderate,
    ContentRestored: moderate,
    SwapReviewsRevealed: reveal,
  },
});
