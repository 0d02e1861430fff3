-- Notifications about reviews (read-models/notifications): who wrote each review and of which session, so that a
-- host's reply and a moderator's hide or restore reach the review's author. Seeded from the reviews read model,
-- so that reviews written before this table existed are known without a rebuild (a rebuild fills it from the log).
CREATE TABLE notification_reviews (
  review_id text PRIMARY KEY,
  session_id text NOT NULL,
  author_id text NOT NULL,
  host_id text NOT NULL
);
INSERT INTO notification_reviews (review_id, session_id, author_id, host_id)
SELECT review_id, session_id, author_id, host_id FROM reviews
ON CONFLICT (review_id) DO NOTHING;
