-- One key per person whose personal data the events hold (crypto-shredding): deleting the key erases that data
-- from every event, backup and replica at once. Not a read model: it cannot be rebuilt, and analysts never see it.
CREATE TABLE personal_data_keys (
  subject text PRIMARY KEY,
  key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
