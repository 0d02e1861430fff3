-- Changes to existing data that need code (infra/db/data-upgrades.ts): each runs once after the migrations, in a
-- transaction of its own, and is recorded here with what it did.
CREATE TABLE data_upgrades (
  name text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL
);

-- The first one: email claims were streams named by an unsalted SHA-256 of the address (`email-<sha256>`), and
-- blocked sign-ups and the login-failure throttle were keyed by it, which confirms to anyone holding the log that
-- an address is or was a member's. They are keyed by an HMAC now (`email-hmac-<hmac>`, its key with the
-- personal-data keys), and the upgrade (modules/identity/email-claims-upgrade.ts) renames the old streams and
-- re-keys the rest; it needs the members' keys to recover the addresses, which SQL cannot use.
