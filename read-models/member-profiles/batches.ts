import type { PoolClient } from '../../infra/db/index.ts';
import type { RunOf } from '../../infra/projections/index.ts';
import type { GamificationEvent } from '../../modules/gamification/events.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';

// Runs of sign-ups, profile changes and rewards (most of this projector's log), each written with a few set-based
// statements, with the result of applying the events one by one: inserts keep the first row for a key (log
// order), additions add up, and every figure recomputed per event is recomputed once, from the final rows.

const col = <T, V>(rows: T[], f: (row: T) => V) => rows.map(f);

/** Full-text search over name (most weight), skills, then bio, from the members' rows as they are now. */
export async function searchTerms(client: PoolClient, memberIds: string[]) {
  await client.query(
    `UPDATE member_profiles SET search =
        setweight(to_tsvector('simple', display_name), 'A')
     || setweight(to_tsvector('english', array_to_string(skills_to_teach || skills_to_learn, ' ')), 'B')
     || setweight(to_tsvector('english', bio), 'C')
     WHERE member_id = ANY($1)`,
    [memberIds],
  );
}

/** Sign-ups and profile changes, then the search terms of the members they touched. */
export async function applyProfiles(
  client: PoolClient,
  run: RunOf<IdentityEvent, 'MemberSignedUp' | 'ProfileUpdated'>,
): Promise<void> {
  const d = run.flatMap((e) => (e.type === 'MemberSignedUp' ? [{ ...e.data, at: e.recordedAt }] : []));
  if (d.length > 0) {
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
  for (const e of run) {
    if (e.type !== 'ProfileUpdated') continue;
    const { memberId, ...d } = e.data;
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
  await searchTerms(client, [...new Set(run.map((e) => e.data.memberId))]);
}

/** Points add up per member; badges are kept from their first award. */
export async function applyRewards(
  client: PoolClient,
  run: RunOf<GamificationEvent, 'PointsAwarded' | 'PointsWithdrawn' | 'BadgeAwarded'>,
): Promise<void> {
  const points = new Map<string, number>();
  const badges: { memberId: string; badge: string; at: Date }[] = [];
  for (const event of run) {
    if (event.type === 'BadgeAwarded') {
      badges.push({ memberId: event.data.memberId, badge: event.data.badge, at: event.recordedAt });
      continue;
    }
    const d = event.data;
    const change = event.type === 'PointsWithdrawn' ? -d.points : d.points;
    points.set(d.memberId, (points.get(d.memberId) ?? 0) + change);
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
