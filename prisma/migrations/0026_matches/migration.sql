-- Read model: matches (read-models/matches). One row per member: the keys of the skills they teach and learn
-- (identity's skillKey), when they last did something, and whether they may be matched at all (suspended members
-- are not; deleted members have no row).
CREATE TABLE match_members (
  member_id text PRIMARY KEY,
  teach_keys text[] NOT NULL DEFAULT '{}',
  learn_keys text[] NOT NULL DEFAULT '{}',
  last_active_at timestamptz NOT NULL,
  listed boolean NOT NULL DEFAULT true
);
-- GET /api/me/matches asks for reciprocal matches (they teach what I learn AND learn what I teach: the two GIN
-- indexes together), then one-way ones, each most recently active first: for a popular skill, walking the activity
-- index and stopping after a page beats sorting thousands of candidates (docs/BENCHMARKS.md, 40k members).
CREATE INDEX match_members_teach ON match_members USING gin (teach_keys) WHERE listed;
CREATE INDEX match_members_learn ON match_members USING gin (learn_keys) WHERE listed;
CREATE INDEX match_members_active ON match_members (last_active_at DESC, member_id DESC) WHERE listed;
