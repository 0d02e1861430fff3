import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { FeedbackEventData } from '../../modules/feedback/index.ts';
import type { GamificationEventData } from '../../modules/gamification/index.ts';
import type { IdentityEventData } from '../../modules/identity/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';

// Runs of the events that make up most of this projector's log, written set-based (see inRuns), each with the
// result of the one-event-at-a-time code in projector.ts and reputation.ts: inserts keep the first row for a key
// (log order), additions add up, and every figure recomputed per event is recomputed once, from the final rows.

export const RUN_GROUPS: Readonly<Record<string, string>> = {
  MemberSignedUp: 'profiles',
  ProfileUpdated: 'profiles',
  PointsAwarded: 'rewards',
  PointsWithdrawn: 'rewards',
  BadgeAwarded: 'rewards',
  ReviewSubmitted: 'reviews',
  SessionCompleted: 'completions',
};

const col = <T, V>(rows: T[], f: (row: T) => V) => rows.map(f);

/** Sign-ups and profile changes; returns the members touched (their search vector is recomputed after the batch). */
export async function applyProfiles(client: PoolClient, events: StoredEvent[]): Promise<string[]> {
  const signups = events.filter((e) => e.type === 'MemberSignedUp');
  if (signups.length > 0) {
    const d = signups.map((e) => ({ ...(e.data as IdentityEventData['MemberSignedUp']), at: e.recordedAt }));
    await client.query(
      `INSERT INTO member_profiles (member_id, email, display_name, timezone, joined_at)
       SELECT m, e, n, t, a FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
         WITH ORDINALITY AS s(m, e, n, t, a, i) ORDER BY i
       ON CONFLICT (member_id) DO NOTHING`,
      [
        col(d, (x) => x.memberId),
        col(d, (x) => x.email),
        col(d, (x) => x.displayName),
        col(d, (x) => x.timezone),
        col(d, (x) => x.at),
      ],
    );
  }
  // A member's changes in the run merged in order (a later value wins); a sign-up precedes its member's changes.
  const changes = new Map<string, Record<string, unknown>>();
  for (const e of events) {
    if (e.type !== 'ProfileUpdated') continue;
    const { memberId, ...d } = e.data as IdentityEventData['ProfileUpdated'];
    const merged = changes.get(memberId) ?? {};
    for (const [k, v] of Object.entries(d)) if (v !== undefined) merged[k] = v;
    if (d.skillsToTeach) merged.teachKeys = d.skillsToTeach.map((s) => s.toLowerCase());
    changes.set(memberId, merged);
  }
  const list = [...changes];
  if (list.length > 0) {
    const has = (k: string) => col(list, ([, c]) => k in c);
    const json = (k: string) => col(list, ([, c]) => (k in c ? JSON.stringify(c[k]) : null));
    await client.query(
      `UPDATE member_profiles p SET
         display_name = CASE WHEN v.h1 THEN v.v1 ->> 0 ELSE p.display_name END,
         bio = CASE WHEN v.h2 THEN v.v2 ->> 0 ELSE p.bio END,
         avatar_url = CASE WHEN v.h3 THEN v.v3 ->> 0 ELSE p.avatar_url END,
         skills_to_teach = CASE WHEN v.h4 THEN ARRAY(SELECT jsonb_array_elements_text(v.v4)) ELSE p.skills_to_teach END,
         skills_to_learn = CASE WHEN v.h5 THEN ARRAY(SELECT jsonb_array_elements_text(v.v5)) ELSE p.skills_to_learn END,
         timezone = CASE WHEN v.h6 THEN v.v6 ->> 0 ELSE p.timezone END,
         teach_keys = CASE WHEN v.h7 THEN ARRAY(SELECT jsonb_array_elements_text(v.v7)) ELSE p.teach_keys END
       FROM unnest($1::text[], $2::bool[], $3::jsonb[], $4::bool[], $5::jsonb[], $6::bool[], $7::jsonb[], $8::bool[],
                   $9::jsonb[], $10::bool[], $11::jsonb[], $12::bool[], $13::jsonb[], $14::bool[], $15::jsonb[])
         AS v(member_id, h1, v1, h2, v2, h3, v3, h4, v4, h5, v5, h6, v6, h7, v7)
      WHERE p.member_id = v.member_id`,
      [
        col(list, ([m]) => m),
        // Scalars travel wrapped in a one-element JSON array, so that null (an avatar removed) stays null.
        has('displayName'),
        col(list, ([, c]) => ('displayName' in c ? JSON.stringify([c.displayName]) : null)),
        has('bio'),
        col(list, ([, c]) => ('bio' in c ? JSON.stringify([c.bio]) : null)),
        has('avatarUrl'),
        col(list, ([, c]) => ('avatarUrl' in c ? JSON.stringify([c.avatarUrl]) : null)),
        has('skillsToTeach'),
        json('skillsToTeach'),
        has('skillsToLearn'),
        json('skillsToLearn'),
        has('timezone'),
        col(list, ([, c]) => ('timezone' in c ? JSON.stringify([c.timezone]) : null)),
        has('teachKeys'),
        json('teachKeys'),
      ],
    );
  }
  return [...new Set(events.map((e) => (e.data as { memberId: string }).memberId))];
}

export async function applyRewards(client: PoolClient, events: StoredEvent[]): Promise<void> {
  const points = new Map<string, number>();
  const badges: { memberId: string; badge: string; at: Date }[] = [];
  for (const event of events) {
    if (event.type === 'PointsAwarded' || event.type === 'PointsWithdrawn') {
      const d = event.data as GamificationEventData['PointsAwarded'];
      const change = event.type === 'PointsWithdrawn' ? -d.points : d.points;
      points.set(d.memberId, (points.get(d.memberId) ?? 0) + change);
    } else {
      const d = event.data as GamificationEventData['BadgeAwarded'];
      badges.push({ memberId: d.memberId, badge: d.badge, at: event.recordedAt });
    }
  }
  if (points.size > 0) {
    await client.query(
      `UPDATE member_profiles p SET points = p.points + v.points
         FROM unnest($1::text[], $2::int[]) AS v(member_id, points) WHERE p.member_id = v.member_id`,
      [[...points.keys()], [...points.values()]],
    );
  }
  if (badges.length > 0) {
    await client.query(
      `INSERT INTO member_badges (member_id, badge, awarded_at)
       SELECT m, b, a FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS t(m, b, a, i) ORDER BY i
       ON CONFLICT DO NOTHING`,
      [col(badges, (b) => b.memberId), col(badges, (b) => b.badge), col(badges, (b) => b.at)],
    );
  }
}

/** Recomputes hosts' ratings, overall and per skill, as reputation.ts's recountRatings does for one. */
async function recountRatings(client: PoolClient, hostIds: string[]) {
  await client.query(
    `UPDATE member_profiles p SET average_rating = r.average, rating_count = r.n
       FROM (SELECT h.host_id, avg(rr.rating)::numeric(4,3) AS average, count(rr.rating)::int AS n
               FROM unnest($1::text[]) AS h(host_id)
               LEFT JOIN reputation_ratings rr ON rr.host_id = h.host_id AND NOT rr.deleted AND NOT rr.hidden
              GROUP BY h.host_id) r
      WHERE p.member_id = r.host_id`,
    [hostIds],
  );
  await client.query(
    `UPDATE mentor_skill_stats s SET average_rating = r.average, rating_count = coalesce(r.n, 0)
       FROM (SELECT s2.member_id, s2.skill_key, avg(rr.rating)::numeric(4,3) AS average, count(rr.rating)::int AS n
               FROM mentor_skill_stats s2
               LEFT JOIN reputation_ratings rr ON rr.host_id = s2.member_id AND lower(rr.skill) = s2.skill_key
                 AND NOT rr.deleted AND NOT rr.hidden
              WHERE s2.member_id = ANY($1) GROUP BY s2.member_id, s2.skill_key) r
      WHERE s.member_id = r.member_id AND s.skill_key = r.skill_key`,
    [hostIds],
  );
}

export async function applyReviews(client: PoolClient, events: StoredEvent[]): Promise<void> {
  const d = events.map((e) => e.data as FeedbackEventData['ReviewSubmitted']);
  await client.query(
    `INSERT INTO reputation_ratings (review_id, host_id, skill, rating)
     SELECT r, h, s, n FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) WITH ORDINALITY AS t(r, h, s, n, i)
      ORDER BY i
     ON CONFLICT (review_id) DO NOTHING`,
    [col(d, (x) => x.reviewId), col(d, (x) => x.hostId), col(d, (x) => x.skill), col(d, (x) => x.rating)],
  );
  await client.query(
    `INSERT INTO mentor_skill_stats (member_id, skill_key, skill)
     SELECT h, lower(s), s FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(h, s, i) ORDER BY i
     ON CONFLICT DO NOTHING`,
    [col(d, (x) => x.hostId), col(d, (x) => x.skill)],
  );
  await recountRatings(client, [...new Set(col(d, (x) => x.hostId))]);
}

export async function applyCompletions(client: PoolClient, events: StoredEvent[]): Promise<void> {
  const d = events.map((e) => e.data as SessionEventData['SessionCompleted']);
  const pairs = d.flatMap((x) => x.attendeeIds.map((a) => [x.hostId, a] as const));
  await client.query(
    `INSERT INTO reputation_students (host_id, student_id) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT DO NOTHING`,
    [col(pairs, (p) => p[0]), col(pairs, (p) => p[1])],
  );
  const hosted = new Map<string, number>();
  for (const x of d) hosted.set(x.hostId, (hosted.get(x.hostId) ?? 0) + 1);
  await client.query(
    `UPDATE member_profiles p SET sessions_hosted = p.sessions_hosted + v.n,
       students_taught = (SELECT count(*) FROM reputation_students WHERE host_id = p.member_id)
       FROM unnest($1::text[], $2::int[]) AS v(member_id, n) WHERE p.member_id = v.member_id`,
    [[...hosted.keys()], [...hosted.values()]],
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
