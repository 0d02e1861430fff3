-- Analysts read views, not tables. The schema `analytics` holds what an analyst needs (counts per session, per
-- skill, per day; reputation, reviews, moderation by target) without what they must not see: no email, no meeting
-- URL, no registration of a named member, no reporter (nor an id that a reporter or a review's author could be
-- worked out from). The role skillswap_analyst, which every analyst's login is a member of, may SELECT these views
-- and no table: a view reads its tables with its owner's rights. docs/read-models.md describes every view.
-- Rebuilds swap the tables under the views and put the views back (infra/projections/dependent-views.ts).
-- Every view is a security barrier: a function of an analyst's (a temporary one, say) sees only the rows and
-- columns the view gives, never what it filters or computes away.

CREATE SCHEMA analytics;

-- Ids derived from a member's id (a review's id hashes its session and author; a report's, its reporter and
-- target) are shown as keyed pseudonyms: a hash with this database's secret, which analysts cannot read, so the
-- author or reporter cannot be worked out by hashing every member's id. A restore into a new database makes a new
-- secret, and new pseudonyms.
CREATE TABLE analytics_secret (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  secret text NOT NULL
);
INSERT INTO analytics_secret (secret) VALUES (gen_random_uuid()::text || gen_random_uuid()::text);

CREATE VIEW analytics.members WITH (security_barrier) AS
SELECT member_id, display_name, skills_to_teach, skills_to_learn, teach_keys, timezone, roles, suspended,
       average_rating, rating_count, sessions_hosted, students_taught, points, joined_at
  FROM public.member_profiles;

CREATE VIEW analytics.mentor_skill_stats WITH (security_barrier) AS
SELECT member_id, skill_key, skill, sessions_hosted, average_rating, rating_count
  FROM public.mentor_skill_stats;

CREATE VIEW analytics.member_badges WITH (security_barrier) AS
SELECT member_id, badge, awarded_at FROM public.member_badges;

CREATE VIEW analytics.skills WITH (security_barrier) AS
SELECT skill_key, name, teachers, learners, first_seen_at FROM public.skill_catalogue;

CREATE VIEW analytics.sessions WITH (security_barrier) AS
SELECT session_id, title, skill, skill_key, description, difficulty, prerequisites, starts_at, ends_at,
       duration_minutes, capacity, status, host_id, host_display_name, timezone, series_id, registered_count,
       waitlist_count, cancel_reason, scheduled_at, completed_at, hidden
  FROM public.session_listings;

-- Per session: how many members signed up, are in, wait, cancelled, came. Never who.
CREATE VIEW analytics.session_attendance WITH (security_barrier) AS
SELECT l.session_id,
       count(r.member_id)::int AS signed_up,
       count(*) FILTER (WHERE r.status = 'registered')::int AS registered,
       count(*) FILTER (WHERE r.status = 'waitlisted')::int AS waitlisted,
       count(*) FILTER (WHERE r.status = 'cancelled')::int AS cancelled,
       count(*) FILTER (WHERE r.attended)::int AS attended,
       count(*) FILTER (WHERE NOT r.attended)::int AS no_shows
  FROM public.session_listings l
  LEFT JOIN public.session_registrations r ON r.session_id = l.session_id
 GROUP BY l.session_id;

-- Per UTC day (of signing up) and skill: sign-ups for sessions, by what became of them.
CREATE VIEW analytics.registrations_per_day WITH (security_barrier) AS
SELECT (r.registered_at AT TIME ZONE 'UTC')::date AS day,
       l.skill_key,
       count(*)::int AS signed_up,
       count(*) FILTER (WHERE r.status = 'registered')::int AS registered,
       count(*) FILTER (WHERE r.status = 'waitlisted')::int AS waitlisted,
       count(*) FILTER (WHERE r.status = 'cancelled')::int AS cancelled,
       count(*) FILTER (WHERE r.attended)::int AS attended,
       count(*) FILTER (WHERE NOT r.attended)::int AS no_shows
  FROM public.session_registrations r
  JOIN public.session_listings l ON l.session_id = r.session_id
 GROUP BY 1, 2;

-- Reviews without their author; a deleted review keeps its numbers, not its words.
CREATE VIEW analytics.reviews WITH (security_barrier) AS
SELECT left(encode(sha256(convert_to(k.secret || ':review:' || r.review_id, 'UTF8')), 'hex'), 32) AS review_key,
       r.session_id, r.session_title, r.host_id, r.skill, r.rating,
       CASE WHEN r.deleted THEN NULL ELSE r.comment END AS comment,
       CASE WHEN r.deleted THEN NULL ELSE r.reply END AS reply,
       r.replied_at, r.created_at, r.edited_at, r.deleted, r.hidden
  FROM public.reviews r CROSS JOIN public.analytics_secret k;

CREATE VIEW analytics.leaderboard_points WITH (security_barrier) AS
SELECT period, skill_key, member_id, points FROM public.leaderboard_points;

-- Reports by target and kind, counted: no reporter, no reason (their words), no report id, no weight (the
-- reporter's standing). A review as target is named by its review_key.
CREATE VIEW analytics.reports WITH (security_barrier) AS
SELECT m.target_type,
       CASE WHEN m.target_type = 'review'
            THEN left(encode(sha256(convert_to(k.secret || ':review:' || m.target_id, 'UTF8')), 'hex'), 32)
            ELSE m.target_id END AS target_id,
       m.owner_id, m.source, m.status, m.action,
       count(*)::int AS reports,
       min(m.filed_at) AS first_filed_at,
       max(m.filed_at) AS last_filed_at,
       max(m.resolved_at) AS last_resolved_at,
       avg(m.resolved_at - m.filed_at) AS mean_time_to_resolve
  FROM public.moderation_reports m CROSS JOIN public.analytics_secret k
 GROUP BY 1, 2, 3, 4, 5, 6;

-- Every session, review and member as moderation sees it: hidden or not (no preview: that is their words).
CREATE VIEW analytics.moderation_targets WITH (security_barrier) AS
SELECT t.target_type,
       CASE WHEN t.target_type = 'review'
            THEN left(encode(sha256(convert_to(k.secret || ':review:' || t.target_id, 'UTF8')), 'hex'), 32)
            ELSE t.target_id END AS target_id,
       t.owner_id, t.hidden
  FROM public.moderation_targets t CROSS JOIN public.analytics_secret k;

-- Moderation and admin actions; entry ids (which name report streams) are left out: `position` orders them.
CREATE VIEW analytics.audit_log WITH (security_barrier) AS
SELECT a.position, a.at, a.actor_id, a.action, a.target_type,
       CASE WHEN a.target_type = 'review'
            THEN left(encode(sha256(convert_to(k.secret || ':review:' || a.target_id, 'UTF8')), 'hex'), 32)
            ELSE a.target_id END AS target_id,
       a.note
  FROM public.audit_log a CROSS JOIN public.analytics_secret k;

-- The role reads the views and nothing else: the table grants of 0006_moderation go.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM skillswap_analyst;
REVOKE USAGE ON SCHEMA public FROM skillswap_analyst;
GRANT USAGE ON SCHEMA analytics TO skillswap_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO skillswap_analyst;

-- Analysts log in as themselves now (`npm run admin -- analyst add <name>`), each a member of this role: the
-- shared login goes, so that no analyst can lock the others out by changing its password. Changing a role needs
-- CREATEROLE, which the database user of a DATABASE_URL may lack: then the role was never given a login either
-- (the old `analyst-url` needed the same right). Roles belong to the whole server: another database's migration
-- may be doing the same at the same moment, and one of the two then fails; the outcome is the same.
DO $$
BEGIN
  ALTER ROLE skillswap_analyst NOLOGIN PASSWORD NULL;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'skillswap_analyst was left as it was: %', SQLERRM;
END $$;
