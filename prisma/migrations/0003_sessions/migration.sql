-- Read model: session listings (browse, detail, my learning), with registrations and waitlists.

CREATE TABLE session_listings (
  session_id text PRIMARY KEY,
  title text NOT NULL,
  skill text NOT NULL,
  skill_key text NOT NULL,
  description text NOT NULL,
  difficulty text NOT NULL,
  prerequisites text[] NOT NULL DEFAULT '{}',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  duration_minutes integer NOT NULL,
  capacity integer NOT NULL,
  status text NOT NULL,
  host_id text NOT NULL,
  host_display_name text NOT NULL,
  timezone text NOT NULL,
  meeting_url text NOT NULL,
  series_id text,
  registered_count integer NOT NULL DEFAULT 0,
  waitlist_count integer NOT NULL DEFAULT 0,
  cancel_reason text,
  scheduled_at timestamptz NOT NULL,
  completed_at timestamptz,
  search tsvector NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX session_listings_by_start ON session_listings (status, starts_at, session_id);
CREATE INDEX session_listings_host ON session_listings (host_id, starts_at);
CREATE INDEX session_listings_skill ON session_listings (skill_key, starts_at);
CREATE INDEX session_listings_search ON session_listings USING gin (search);

-- Who is in, who waits (in arrival order: `queued_at` is the event's position in the log), who attended.
CREATE TABLE session_registrations (
  session_id text NOT NULL,
  member_id text NOT NULL,
  status text NOT NULL,
  queued_at bigint NOT NULL,
  registered_at timestamptz NOT NULL,
  attended boolean,
  PRIMARY KEY (session_id, member_id)
);
CREATE INDEX session_registrations_member ON session_registrations (member_id, status);

-- Display names of hosts, so a listing can carry its host's current name.
CREATE TABLE session_hosts (
  member_id text PRIMARY KEY,
  display_name text NOT NULL
);
