import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { FeedbackEventData } from '../../modules/feedback/index.ts';
import { DELETED_NAME, type IdentityEventData } from '../../modules/identity/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';

// Runs of names, titles and new reviews (with their replies), written set-based (see inRuns) with the result of
// the one-event-at-a-time code in projector.ts: the last name or title in a run is the one that stays, on the
// lookup table and on every review that shows it; a new review takes the names as they are when the run starts
// (no name or title changes within a run of reviews).

export const RUN_GROUPS: Readonly<Record<string, string>> = {
  MemberSignedUp: 'people',
  ProfileUpdated: 'people',
  MemberDeleted: 'people',
  SessionScheduled: 'sessions',
  SessionDetailsChanged: 'sessions',
  ReviewSubmitted: 'reviews',
  HostReplied: 'reviews',
};

export async function namePeople(client: PoolClient, events: StoredEvent[]) {
  const names = new Map<string, string>();
  for (const e of events) {
    const d =
      e.type === 'MemberDeleted'
        ? { memberId: (e.data as { memberId: string }).memberId, displayName: DELETED_NAME }
        : (e.data as IdentityEventData['ProfileUpdated']);
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

export async function titleSessions(client: PoolClient, events: StoredEvent[]) {
  const titles = new Map<string, string>();
  for (const e of events) {
    const d = e.data as SessionEventData['SessionDetailsChanged'];
    if (d.title) titles.set(d.sessionId, d.title);
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

/** New reviews (the first of a review id stays), then the last reply to each review of the run. */
export async function addReviews(client: PoolClient, events: StoredEvent[]) {
  const submitted = events.filter((e) => e.type === 'ReviewSubmitted');
  const d = submitted.map((e) => ({ ...(e.data as FeedbackEventData['ReviewSubmitted']), at: e.recordedAt }));
  const c = <V>(f: (x: (typeof d)[number]) => V) => d.map(f);
  if (d.length > 0) {
    await client.query(
      `INSERT INTO reviews (review_id, session_id, session_title, host_id, author_id, author_display_name, skill, rating,
         comment, created_at)
       SELECT v.id, v.session, coalesce((SELECT title FROM review_sessions WHERE session_id = v.session), ''), v.host,
         v.author, coalesce((SELECT display_name FROM review_people WHERE member_id = v.author), 'Member'), v.skill,
         v.rating, v.comment, v.at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::timestamptz[])
           WITH ORDINALITY AS v(id, session, host, author, skill, rating, comment, at, i)
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
      ],
    );
  }
  const replies = new Map<string, { reply: string; at: Date }>();
  for (const e of events) {
    if (e.type !== 'HostReplied') continue;
    const r = e.data as FeedbackEventData['HostReplied'];
    replies.set(r.reviewId, { reply: r.reply, at: e.recordedAt });
  }
  if (replies.size === 0) return;
  const list = [...replies];
  await client.query(
    `UPDATE reviews r SET reply = v.reply, replied_at = v.at
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(id, reply, at) WHERE r.review_id = v.id`,
    [list.map(([id]) => id), list.map(([, r]) => r.reply), list.map(([, r]) => r.at)],
  );
}
