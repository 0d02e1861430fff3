-- Events a projector or reactor could not apply, set aside so that it goes on past them (infra/projections/
-- set-aside.ts). A row stays until `projections retry` applies the event, or a rebuild no longer fails on it.
CREATE TABLE projection_set_aside (
  projector text NOT NULL REFERENCES projection_checkpoints (name) ON DELETE CASCADE,
  global_position bigint NOT NULL,
  transaction_id xid8 NOT NULL,
  stream_id text NOT NULL,
  stream_version integer NOT NULL,
  event_type text NOT NULL,
  error text NOT NULL,
  -- Attempts that included this event: its batch's, then its own alone.
  tries integer NOT NULL CHECK (tries > 0),
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projector, global_position)
);

-- A failed rebuild keeps its error apart from last_error, which the live runner clears at its next batch.
ALTER TABLE projection_checkpoints
  ADD COLUMN rebuild_error text,
  ADD COLUMN rebuild_failed_at timestamptz;
