-- Blind reviews in swaps: a review of a swap's session is sealed (shown to its author and moderators only, counted
-- nowhere) until the partner's review is written or 14 days have passed (SwapReviewsRevealed). Every review written
-- before this migration is of a group session (ReviewSubmitted v1), so none is sealed.
ALTER TABLE reviews ADD COLUMN sealed boolean NOT NULL DEFAULT false;
ALTER TABLE reputation_ratings ADD COLUMN sealed boolean NOT NULL DEFAULT false;
-- A host is told of a swap review when it is revealed, unless it was deleted or hidden by then. Reviews deleted or
-- hidden before this migration are of group sessions, told of when written: false for them changes nothing.
ALTER TABLE notification_reviews
  ADD COLUMN deleted boolean NOT NULL DEFAULT false,
  ADD COLUMN hidden boolean NOT NULL DEFAULT false;

-- Analysts see whether a review is still sealed (a new last column: the view's other columns stay as they are).
CREATE OR REPLACE VIEW analytics.reviews WITH (security_barrier) AS
SELECT left(encode(sha256(convert_to(k.secret || ':review:' || r.review_id, 'UTF8')), 'hex'), 32) AS review_key,
       r.session_id, r.session_title, r.host_id, r.skill, r.rating,
       CASE WHEN r.deleted THEN NULL ELSE r.comment END AS comment,
       CASE WHEN r.deleted THEN NULL ELSE r.reply END AS reply,
       r.replied_at, r.created_at, r.edited_at, r.deleted, r.hidden, r.sealed
  FROM public.reviews r CROSS JOIN public.analytics_secret k;
