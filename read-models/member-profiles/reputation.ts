import type { PoolClient } from '../../infra/db/index.ts';
import type { RunOf } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import type { SwapEvent } from '../../modules/swaps/events.ts';

// Reputation figures of member_profiles, kept from the facts they are computed from: distinct students in
// reputation_students, every rating in reputation_ratings (hidden and deleted reviews stop counting; a swap's
// reviews count from their reveal on, sealed until then), sessions
// and ratings per skill in mentor_skill_stats. Each run is written set-based, with the result of applying its
// events one by one.

const col = <T, V>(rows: T[], f: (row: T) => V) => rows.map(f);

/** Recomputes hosts' ratings, overall and per skill, from their visible ratings (a function of the rows only). */
async function recountRatings(client: PoolClient, hostIds: string[]) {
  await client.query(
    `UPDATE member_profiles p SET average_rating = r.average, rating_count = r.n
       FROM (SELECT h.host_id, avg(rr.rating)::numeric(4,3) AS average, count(rr.rating)::int AS n
               FROM unnest($1::text[]) AS h(host_id)
               LEFT JOIN reputation_ratings rr ON rr.host_id = h.host_id AND NOT rr.deleted AND NOT rr.hidden
                AND NOT rr.sealed
              GROUP BY h.host_id) r
      WHERE p.member_id = r.host_id`,
    [hostIds],
  );
  await client.query(
    `UPDATE mentor_skill_stats s SET average_rating = r.average, rating_count = coalesce(r.n, 0)
       FROM (SELECT s2.member_id, s2.skill_key, avg(rr.rating)::numeric(4,3) AS average, count(rr.rating)::int AS n
               FROM mentor_skill_stats s2
               LEFT JOIN reputation_ratings rr ON rr.host_id = s2.member_id AND lower(rr.skill) = s2.skill_key
                 AND NOT rr.deleted AND NOT rr.hidden AND NOT rr.sealed
              WHERE s2.member_id = ANY($1) GROUP BY s2.member_id, s2.skill_key) r
      WHERE s.member_id = r.member_id AND s.skill_key = r.skill_key`,
    [hostIds],
  );
}

export async function applyReviews(
  client: PoolClient,
  run: RunOf<FeedbackEvent, 'ReviewSubmitted'>,
): Promise<void> {
  const d = run.map((e) => e.data);
  await client.query(
    `INSERT INTO reputation_ratings (review_id, host_id, skill, rating, sealed)
     SELECT r, h, s, n, x FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::boolean[])
       WITH ORDINALITY AS t(r, h, s, n, x, i)
      ORDER BY i
     ON CONFLICT (review_id) DO NOTHING`,
    [
      col(d, (x) => x.reviewId),
      col(d, (x) => x.hostId),
      col(d, (x) => x.skill),
      col(d, (x) => x.rating),
      col(d, (x) => x.swapId !== null),
    ],
  );
  await client.query(
    `INSERT INTO mentor_skill_stats (member_id, skill_key, skill)
     SELECT h, lower(s), s FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(h, s, i) ORDER BY i
     ON CONFLICT DO NOTHING`,
    [col(d, (x) => x.hostId), col(d, (x) => x.skill)],
  );
  await recountRatings(client, [...new Set(col(d, (x) => x.hostId))]);
}

export async function applyCompletions(
  client: PoolClient,
  run: RunOf<SessionEvent, 'SessionCompleted'>,
): Promise<void> {
  const d = run.map((e) => e.data);
  const pairs = d.flatMap((x) => x.attendeeIds.map((a) => [x.hostId, a] as const));
  await client.query(
    `INSERT INTO reputation_students (host_id, student_id) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT DO NOTHING`,
    [col(pairs, (p) => p[0]), col(pairs, (p) => p[1])],
  );
  const hosted = new Map<string, { n: number; minutes: number }>();
  const learned = new Map<string, number>();
  for (const x of d) {
    const h = hosted.get(x.hostId) ?? { n: 0, minutes: 0 };
    hosted.set(x.hostId, { n: h.n + 1, minutes: h.minutes + x.durationMinutes });
    for (const a of x.attendeeIds) learned.set(a, (learned.get(a) ?? 0) + x.durationMinutes);
  }
  await client.query(
    `UPDATE member_profiles p SET sessions_hosted = p.sessions_hosted + v.n,
       minutes_taught = p.minutes_taught + v.minutes,
       students_taught = (SELECT count(*) FROM reputation_students WHERE host_id = p.member_id)
       FROM unnest($1::text[], $2::int[], $3::int[]) AS v(member_id, n, minutes) WHERE p.member_id = v.member_id`,
    [[...hosted.keys()], [...hosted.values()].map((h) => h.n), [...hosted.values()].map((h) => h.minutes)],
  );
  // What each present attendee learned: the session's length (give and take, issue 17).
  await client.query(
    `UPDATE member_profiles p SET minutes_learned = p.minutes_learned + v.minutes
       FROM unnest($1::text[], $2::int[]) AS v(member_id, minutes) WHERE p.member_id = v.member_id`,
    [[...learned.keys()], [...learned.values()]],
  );
  // Per host and skill key (lower() as the row's key is made): the sessions in the run, and the first spelling,
  // which a new row keeps.
  await client.query(
    `INSERT INTO mentor_skill_stats (member_id, skill_key, skill, sessions_hosted)
     SELECT h, lower(k), (array_agg(k ORDER BY i))[1], count(*)
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(h, k, i) GROUP BY h, lower(k)
     ON CONFLICT (member_id, skill_key)
       DO UPDATE SET sessions_hosted = mentor_skill_stats.sessions_hosted + excluded.sessions_hosted`,
    [col(d, (x) => x.hostId), col(d, (x) => x.skill)],
  );
}

/** Sessions their hosts did not hold (SessionNotHeld), for their reliability beside the sessions held. */
export async function applyNotHeld(
  client: PoolClient,
  run: RunOf<SessionEvent, 'SessionNotHeld'>,
): Promise<void> {
  const missed = new Map<string, number>();
  for (const { data } of run) missed.set(data.hostId, (missed.get(data.hostId) ?? 0) + 1);
  await client.query(
    `UPDATE member_profiles p SET sessions_not_held = p.sessions_not_held + v.n
       FROM unnest($1::text[], $2::int[]) AS v(member_id, n) WHERE p.member_id = v.member_id`,
    [[...missed.keys()], [...missed.values()]],
  );
}

/**
 * A run of changes to ratings: a new value (an edit), deleted, hidden or shown again, a swap's revealed. Each review's changes fold
 * in log order (each sets its own column, the last value stays), then every host touched is recounted.
 */
export async function changeRatings(
  client: PoolClient,
  run: RunOf<
    FeedbackEvent | ModerationEvent | SwapEvent,
    'ReviewEdited' | 'ReviewDeleted' | 'ContentHidden' | 'ContentRestored' | 'SwapReviewsRevealed'
  >,
): Promise<void> {
  const changes = new Map<
    string,
    { rating?: number; deleted?: boolean; hidden?: boolean; sealed?: boolean }
  >();
  const change = (reviewId: string) => changes.get(reviewId) ?? changes.set(reviewId, {}).get(reviewId)!;
  // An edit recounts its host even when its rating is not known here, as one edit at a time does.
  const hosts = new Set<string>();
  for (const e of run) {
    if (e.type === 'ReviewEdited') {
      if (e.data.rating === undefined) continue;
      change(e.data.reviewId).rating = e.data.rating;
      hosts.add(e.data.hostId);
    } else if (e.type === 'ReviewDeleted') change(e.data.reviewId).deleted = true;
    else if (e.type === 'SwapReviewsRevealed') for (const id of e.data.reviewIds) change(id).sealed = false;
    else if (e.data.targetType === 'review') change(e.data.targetId).hidden = e.type === 'ContentHidden';
  }
  if (changes.size === 0) return;
  const list = [...changes];
  const { rows } = await client.query<{ host_id: string }>(
    `UPDATE reputation_ratings r SET rating = coalesce(v.rating, r.rating), deleted = coalesce(v.deleted, r.deleted),
       hidden = coalesce(v.hidden, r.hidden), sealed = coalesce(v.sealed, r.sealed)
       FROM unnest($1::text[], $2::int[], $3::boolean[], $4::boolean[], $5::boolean[])
         AS v(id, rating, deleted, hidden, sealed)
      WHERE r.review_id = v.id RETURNING r.host_id`,
    [
      list.map(([id]) => id),
      list.map(([, c]) => c.rating ?? null),
      list.map(([, c]) => c.deleted ?? null),
      list.map(([, c]) => c.hidden ?? null),
      list.map(([, c]) => c.sealed ?? null),
    ],
  );
  for (const r of rows) hosts.add(r.host_id);
  if (hosts.size > 0) await recountRatings(client, [...hosts]);
}
