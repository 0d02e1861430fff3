-- Forgotten passwords (modules/identity/password-reset.ts): the emailed link carries a random token, and only its
-- SHA-256 is kept, so that a leaked table resets nobody's password. A token works once, for an hour.
CREATE TABLE password_resets (
  token_hash text PRIMARY KEY,
  member_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_member ON password_resets (member_id);
