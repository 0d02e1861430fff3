-- Identity: sign-in sessions and throttling (operational state, not history), and the identity read models.

CREATE TABLE auth_sessions (
  token_hash text PRIMARY KEY,
  member_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  user_agent text
);
CREATE INDEX auth_sessions_member ON auth_sessions (member_id);

-- One row per counted attempt (sign-ups per IP, failed sign-ins per email ...), shared by every app instance.
CREATE TABLE throttle_hits (
  key text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX throttle_hits_key_at ON throttle_hits (key, at);

-- Read model: one row per member, the public profile with its reputation figures, and what sign-in needs.
CREATE TABLE member_profiles (
  member_id text PRIMARY KEY,
  email text NOT NULL,
  display_name text NOT NULL,
  bio text NOT NULL DEFAULT '',
  avatar_url text,
  skills_to_teach text[] NOT NULL DEFAULT '{}',
  skills_to_learn text[] NOT NULL DEFAULT '{}',
  teach_keys text[] NOT NULL DEFAULT '{}',
  timezone text NOT NULL,
  roles text[] NOT NULL DEFAULT '{member}',
  suspended boolean NOT NULL DEFAULT false,
  average_rating numeric(4, 3),
  rating_count integer NOT NULL DEFAULT 0,
  sessions_hosted integer NOT NULL DEFAULT 0,
  students_taught integer NOT NULL DEFAULT 0,
  points integer NOT NULL DEFAULT 0,
  joined_at timestamptz NOT NULL,
  search tsvector NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX member_profiles_teach_keys ON member_profiles USING gin (teach_keys);
CREATE INDEX member_profiles_search ON member_profiles USING gin (search);
CREATE INDEX member_profiles_by_rating ON member_profiles ((coalesce(average_rating, -1)) DESC, member_id);
CREATE INDEX member_profiles_by_sessions ON member_profiles (sessions_hosted DESC, member_id);
CREATE INDEX member_profiles_by_joined ON member_profiles (joined_at DESC, member_id);

-- Read model: the skill catalogue, one canonical spelling per skill, with how many members teach and learn it.
CREATE TABLE skill_catalogue (
  skill_key text PRIMARY KEY,
  name text NOT NULL,
  teachers integer NOT NULL DEFAULT 0,
  learners integer NOT NULL DEFAULT 0,
  first_seen_at timestamptz NOT NULL
);
CREATE INDEX skill_catalogue_name_prefix ON skill_catalogue (skill_key text_pattern_ops);

CREATE TABLE skill_members (
  skill_key text NOT NULL,
  member_id text NOT NULL,
  teaches boolean NOT NULL DEFAULT false,
  learns boolean NOT NULL DEFAULT false,
  PRIMARY KEY (skill_key, member_id)
);
