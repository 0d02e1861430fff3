-- Read model: swaps (read-models/swaps), one row per swap, for its two members' lists and its page. Names are not
-- copied here: queries take them from member_profiles, so nothing personal of a deleted member stays behind.
CREATE TABLE swaps (
  swap_id text PRIMARY KEY,
  proposer_id text NOT NULL,
  receiver_id text NOT NULL,
  offer_skill text NOT NULL,
  want_skill text NOT NULL,
  status text NOT NULL,
  session_ids text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- A member's swaps, newest first, from either side (the list query ORs the two).
CREATE INDEX swaps_by_proposer ON swaps (proposer_id, created_at DESC, swap_id DESC);
CREATE INDEX swaps_by_receiver ON swaps (receiver_id, created_at DESC, swap_id DESC);
