-- Read model: in-app notifications, with what the projector needs to address them.
CREATE TABLE notifications (
  notification_id text PRIMARY KEY,
  member_id text NOT NULL,
  kind text NOT NULL,
  session_id text,
  title text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  read_at timestamptz
);
CREATE INDEX notifications_member ON notifications (member_id, created_at DESC, notification_id DESC);
CREATE INDEX notifications_unread ON notifications (member_id) WHERE read_at IS NULL;

CREATE TABLE notification_sessions (
  session_id text PRIMARY KEY,
  title text NOT NULL,
  host_id text NOT NULL,
  starts_at timestamptz NOT NULL,
  timezone text NOT NULL
);

CREATE TABLE notification_audience (
  session_id text NOT NULL,
  member_id text NOT NULL,
  status text NOT NULL,
  PRIMARY KEY (session_id, member_id)
);

-- The secret behind each member's personal calendar feed URL (operational state, reset by the member).
CREATE TABLE calendar_feeds (
  member_id text PRIMARY KEY,
  token text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
