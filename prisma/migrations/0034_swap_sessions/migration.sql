-- Sessions inside a swap (issue 17): private to the swap's two members, the host and the partner it is for.
-- Every session scheduled before this migration is a group session (SessionScheduled v1), so both stay null.
ALTER TABLE session_listings
  ADD COLUMN swap_id text,
  ADD COLUMN swap_partner_id text;
CREATE INDEX session_listings_swap_id_idx ON session_listings (swap_id) WHERE swap_id IS NOT NULL;
