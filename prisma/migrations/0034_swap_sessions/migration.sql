-- Sessions inside a swap (issue 17): private to the swap's two members, the host and the partner it is for.
-- Every session scheduled before this migration is a group session (SessionScheduled v1), so both stay null.
ALTER TABLE session_listings
  ADD COLUMN swap_id text,
  ADD COLUMN swap_partner_id text;
CREATE INDEX session_listings_swap_id_idx ON session_listings (swap_id) WHERE swap_id IS NOT NULL;

-- A swap's session is between its two members: the analysts' view of sessions leaves it out (its counts stay in
-- the per-session and per-day aggregates, which name nobody and show no text).
CREATE OR REPLACE VIEW analytics.sessions WITH (security_barrier) AS
SELECT session_id, title, skill, skill_key, description, difficulty, prerequisites, starts_at, ends_at,
       duration_minutes, capacity, status, host_id, host_display_name, timezone, series_id, registered_count,
       waitlist_count, cancel_reason, scheduled_at, completed_at, hidden
  FROM public.session_listings
 WHERE swap_id IS NULL;
