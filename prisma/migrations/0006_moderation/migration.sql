-- Read model: the moderation queue. One row per report (a reporter's report on a target, refiled after it is
-- resolved), and one row per reported target with what a moderator needs to judge it.
CREATE TABLE moderation_reports (
  report_id text PRIMARY KEY,
  reporter_id text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL,
  owner_id text NOT NULL,
  reason text NOT NULL,
  weight numeric(6, 2) NOT NULL,
  source text NOT NULL,
  status text NOT NULL,
  action text,
  note text,
  moderator_id text,
  filed_at timestamptz NOT NULL,
  resolved_at timestamptz
);
CREATE INDEX moderation_reports_target ON moderation_reports (target_type, target_id, status);
CREATE INDEX moderation_reports_reporter ON moderation_reports (reporter_id, status);

CREATE TABLE moderation_targets (
  target_type text NOT NULL,
  target_id text NOT NULL,
  owner_id text,
  preview text NOT NULL DEFAULT '',
  hidden boolean NOT NULL DEFAULT false,
  PRIMARY KEY (target_type, target_id)
);

-- Read model: the audit log of every moderation and admin action.
CREATE TABLE audit_log (
  entry_id text PRIMARY KEY,
  position bigint NOT NULL,
  at timestamptz NOT NULL,
  actor_id text,
  action text NOT NULL,
  target_type text,
  target_id text,
  note text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC, entry_id DESC);

-- Session listings learn which sessions moderation hid.
ALTER TABLE session_listings ADD COLUMN hidden boolean NOT NULL DEFAULT false;

-- Emails (as hashes) of accounts suspended for spam: they cannot sign up again. Kept by identity's reactor.
CREATE TABLE blocked_signups (
  email_hash text PRIMARY KEY,
  member_id text NOT NULL,
  blocked_at timestamptz NOT NULL
);

-- Analysts: a read-only role that sees the read-model tables and nothing else (not the events, not sign-in
-- sessions). Roles belong to the whole server, so it is created once and granted per database.
-- Two databases of one server may migrate at the same moment (the migration lock is per database).
DO $$
BEGIN
  CREATE ROLE skillswap_analyst NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
-- An analyst's long query or forgotten open transaction must not hold up the site (a rebuild's swap waits for it).
-- (Another database's migration doing the same at the same moment wins; the settings are the same.)
DO $$
BEGIN
  ALTER ROLE skillswap_analyst SET statement_timeout = '60s';
  ALTER ROLE skillswap_analyst SET idle_in_transaction_session_timeout = '60s';
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO skillswap_analyst', current_database());
END $$;
GRANT USAGE ON SCHEMA public TO skillswap_analyst;
-- member_profiles without its email column: analysts count and compare, they do not contact members.
GRANT SELECT (member_id, display_name, bio, avatar_url, skills_to_teach, skills_to_learn, teach_keys, timezone, roles,
  suspended, average_rating, rating_count, sessions_hosted, students_taught, points, joined_at)
  ON member_profiles TO skillswap_analyst;
GRANT SELECT ON reputation_students, reputation_ratings, mentor_skill_stats, member_badges,
  skill_catalogue, skill_members, session_listings, session_registrations, session_hosts,
  notification_sessions, notification_audience, reviews, review_people, review_sessions,
  leaderboard_points, leaderboard_people, moderation_reports, moderation_targets, audit_log
  TO skillswap_analyst;
