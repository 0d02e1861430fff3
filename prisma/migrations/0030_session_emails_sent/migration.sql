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
