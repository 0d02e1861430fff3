-- Read model: matches (read-models/matches). One row per listed member: the keys of the skills they teach and
-- learn (identity's skillKey), when they last did something, and whether they may be matched at all (suspended
-- members are not; deleted members have no row). GET /api/me/matches finds the members who teach what I learn
-- through the GIN index on teach_keys, then ranks the reciprocal ones first (docs/BENCHMARKS.md, 40k members).
CREATE TABLE match_members (
  member_id text PRIMARY KEY,
  teach_keys text[] NOT NULL DEFAULT '{}',
  learn_keys text[] NOT NULL DEFAULT '{}',
  last_active_at timestamptz NOT NULL,
  listed boolean NOT NULL DEFAULT true
);
CREATE INDEX match_members_teach ON match_members USING gin (teach_keys) WHERE listed;
