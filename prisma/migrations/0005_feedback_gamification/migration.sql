-- Read model: reviews as the site shows them (on session pages and on the host's profile).
CREATE TABLE reviews (
  review_id text PRIMARY KEY,
  session_id text NOT NULL,
  session_title text NOT NULL,
  host_id text NOT NULL,
  author_id text NOT NULL,
  author_display_name text NOT NULL,
  skill text NOT NULL,
  rating integer NOT NULL,
  comment text NOT NULL,
  reply text,
  replied_at timestamptz,
  created_at timestamptz NOT NULL,
  edited_at timestamptz,
  deleted boolean NOT NULL DEFAULT false,
  hidden boolean NOT NULL DEFAULT false
);
CREATE INDEX reviews_session ON reviews (session_id, created_at DESC, review_id DESC);
CREATE INDEX reviews_host ON reviews (host_id, created_at DESC, review_id DESC);

CREATE TABLE review_people (member_id text PRIMARY KEY, display_name text NOT NULL);
CREATE TABLE review_sessions (session_id text PRIMARY KEY, title text NOT NULL);

-- Reputation (part of the member_profiles read model): the facts its figures are computed from.
CREATE TABLE reputation_students (
  host_id text NOT NULL,
  student_id text NOT NULL,
  PRIMARY KEY (host_id, student_id)
);
CREATE TABLE reputation_ratings (
  review_id text PRIMARY KEY,
  host_id text NOT NULL,
  skill text NOT NULL,
  rating integer NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  hidden boolean NOT NULL DEFAULT false
);
CREATE INDEX reputation_ratings_host ON reputation_ratings (host_id) WHERE NOT deleted AND NOT hidden;
CREATE TABLE mentor_skill_stats (
  member_id text NOT NULL,
  skill_key text NOT NULL,
  skill text NOT NULL,
  sessions_hosted integer NOT NULL DEFAULT 0,
  average_rating numeric(4, 3),
  rating_count integer NOT NULL DEFAULT 0,
  PRIMARY KEY (member_id, skill_key)
);
CREATE TABLE member_badges (
  member_id text NOT NULL,
  badge text NOT NULL,
  awarded_at timestamptz NOT NULL,
  PRIMARY KEY (member_id, badge)
);

-- Read model: leaderboards. One row per member and board: all time ('all'), a month ('2026-11'), per skill.
CREATE TABLE leaderboard_points (
  member_id text NOT NULL,
  period text NOT NULL,
  skill_key text NOT NULL DEFAULT '',
  points integer NOT NULL DEFAULT 0,
  PRIMARY KEY (period, skill_key, member_id)
);
CREATE INDEX leaderboard_points_rank ON leaderboard_points (period, skill_key, points DESC, member_id);
CREATE TABLE leaderboard_people (member_id text PRIMARY KEY, display_name text NOT NULL);
