-- The session mailer (modules/sessions/emails.ts) records each email it has handed to the mail server, by the
-- event it is about and its recipient, and skips those on a retry of the same events: a batch that fails half-way
-- (a 451 for one recipient, a restart) no longer sends its first emails again. Not a read model: the reactor's own
-- delivery record, never rebuilt (a rebuild would send nothing anyway; reactors do not replay).
CREATE TABLE IF NOT EXISTS session_emails_sent (
  stream_id text NOT NULL,
  stream_version integer NOT NULL,
  member_id text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, stream_version, member_id)
);

-- Host no-shows (SessionNotHeld): the host's count of sessions not held, beside sessions_hosted (those held), for
-- the reliability on profiles, and the mentor directory's rating order weighted by it.
ALTER TABLE member_profiles ADD COLUMN IF NOT EXISTS sessions_not_held integer NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS member_profiles_by_rating;
CREATE INDEX IF NOT EXISTS member_profiles_by_reliable_rating ON member_profiles ((
  CASE WHEN average_rating IS NULL THEN -1
       ELSE round(average_rating * sessions_hosted / greatest(sessions_hosted + sessions_not_held, 1), 6) END
) DESC, member_id);

-- A session recorded as not held keeps its status (`scheduled`, as a past session never completed always read)
-- and says so in a column of its own: clients that know three statuses keep working.
ALTER TABLE session_listings ADD COLUMN IF NOT EXISTS not_held boolean NOT NULL DEFAULT false;
