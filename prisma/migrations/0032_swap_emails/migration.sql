-- The last "unread messages" email of each swap to each of its members (modules/swaps/unread.ts): a burst of
-- messages brings one email, and a job that runs twice, or two at once, sends it once.
CREATE TABLE swap_emails_sent (
  swap_id text NOT NULL,
  member_id text NOT NULL,
  covers_until timestamptz NOT NULL,
  PRIMARY KEY (swap_id, member_id)
);
