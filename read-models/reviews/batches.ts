import type { PoolClient } from '../../infra/db/index.ts';
import type { RunOf } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import { DELETED_NAME, type IdentityEvent } from '../../modules/identity/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';

// Runs of names, titles and new reviews (with their replies), each written with a few set-based statements, with
// the result of applying the events one by one: the last name or title in a run is the one that stays, on the
// lookup table and on every review that shows it; a new review takes the names as they are when the run starts
// (no name or title changes within a run of reviews).

export async function namePeople(
  client: PoolClient,
  run: RunOf<IdentityEvent, 'MemberSignedUp' | 'ProfileUpdated' | 'MemberDeleted'>,
) {
  const names = new Map<string, string>();
  for (const e of run) {
    const d = e.type === 'MemberDeleted' ? { ...e.data, displayName: DELETED_NAME } : e.data;
    if (d.displayName !== undefined) names.set(d.memberId, d.displayName);
  }
  if (names.size === 0) return;
  const args = [[...names.keys()], [...names.values()]];
  await client.query(
    `INSERT INTO review_people (member_id, display_name) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (member_id) DO UPDATE SET display_name = excluded.display_name`,
    args,
  );
  await client.query(
    `UPDATE reviews r SET author_display_name = v.name FROM unnest($1::text[], $2::text[]) AS v(id, name)
      WHERE r.author_id = v.id`,
    args,
  );
}

export async function titleSessions(
  client: PoolClient,
  run: RunOf<SessionEvent, 'SessionScheduled' | 'SessionDetailsChanged'>,
) {
  const titles = new Map<string, string>();
  for (const { data } of run) {
    if (data.title) titles.set(data.sessionId, data.title);
  }
  if (titles.size === 0) return;
  const args = [[...titles.keys()], [...titles.values()]];
  await client.query(
    `INSERT INTO review_sessions (session_id, title) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (session_id) DO UPDATE SET title = excluded.title`,
    args,
  );
  await client.query(
    `UPDATE reviews r SET session_title = v.title FROM unnest($1::text[], $2::text[]) AS v(id, title)
      WHERE r.session_id = v.id`,
    args,
  );
}

/** New reviews (the first of a review id stays; a swap's sealed), then the last reply to each review of the run. */
export async function addReviews(
  client: PoolClient,
  run: RunOf<FeedbackEvent, 'ReviewSubmitted' | 'HostReplied'>,
) {
  const d = run.flatMap((e) => (e.type === 'ReviewSubmitted' ? [{ ...e.data, at: e.recordedAt }] : []));
  const c = <V>(f: (x: (typeof d)[number]) => V) => d.map(f);
  if (d.length > 0) {
    await client.query(
      `INSERT INTO reviews (review_id, session_id, session_title, host_id, author_id, author_display_name, skill, rating,
         comment, created_at, sealed)
       SELECT v.id, v.session, coalesce((SELECT title FROM review_sessions WHERE session_id = v.session), ''), v.host,
         v.author, coalesce((SELECT display_name FROM review_people WHERE member_id = v.author), 'Member'), v.skill,
         v.rating, v.comment, v.at, v.sealed
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::timestamptz[],
                     $9::boolean[])
           WITH ORDINALITY AS v(id, session, host, author, skill, rating, comment, at, sealed, i)
        ORDER BY v.i
       ON CONFLICT (review_id) DO NOTHING`,
      [
        c((x) => x.reviewId),
        c((x) => x.sessionId),
        c((x) => x.hostId),
        c((x) => x.authorId),
        c((x) => x.skill),
        c((x) => x.rating),
        c((x) => x.comment),
        c((x) => x.at),
        // A swap's review is sealed until SwapReviewsRevealed (modules/swaps).
        c((x) => x.swapId !== null),
      ],
    );
  }
  const replies = new Map<string, { reply: string; at: Date }>();
  for (const e of run) {
    if (e.type === 'HostReplied') replies.set(e.data.reviewId, { reply: e.data.reply, at: e.recordedAt });
  }
  if (replies.size === 0) return;
  const list = [...replies];
  await client.query(
    `UPDATE reviews r SET reply = v.reply, replied_at = v.at
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(id, reply, at) WHERE r.review_id = v.id`,
    [list.map(([id]) => id), list.map(([, r]) => r.reply), list.map(([, r]) => r.at)],
  );
}
