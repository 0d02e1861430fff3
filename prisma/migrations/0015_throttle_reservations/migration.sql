-- Attempts are counted before they are made (infra/throttle.ts reserveAttempts) and some are taken back after
-- (a sign-in that worked, a session that could not be scheduled): each counted attempt needs an id of its own.
ALTER TABLE throttle_hits ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
