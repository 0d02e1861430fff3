-- The event store: the source of truth. Read models are derived from it and can be rebuilt at any time.

CREATE TABLE streams (
  stream_id text PRIMARY KEY,
  version integer NOT NULL CHECK (version > 0)
);

CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The writing transaction's id: subscribers read only below the oldest running transaction (the watermark),
  -- so an event whose transaction commits late is never skipped.
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  stream_version integer NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL CHECK (schema_version > 0),
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_transaction_position ON events (transaction_id, global_position);
CREATE INDEX events_type ON events (type);

CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the events table is append-only: % is refused', TG_OP USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- One round trip per append. p_expected: NULL for "any version", 0 for "the stream must not exist yet",
-- n for "the stream is at version n". A stale expectation raises SQLSTATE SK409.
CREATE FUNCTION append_events(
  p_stream text, p_expected integer, p_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[]
) RETURNS TABLE (global_position bigint, stream_version integer, transaction_id xid8)
LANGUAGE plpgsql AS $$
DECLARE
  n integer := cardinality(p_types);
  v_current integer;
BEGIN
  IF p_expected IS NULL THEN
    INSERT INTO streams AS s (stream_id, version) VALUES (p_stream, n)
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + n
      RETURNING s.version - n INTO v_current;
  ELSIF p_expected = 0 THEN
    INSERT INTO streams (stream_id, version) VALUES (p_stream, n) ON CONFLICT (stream_id) DO NOTHING;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'stream % already exists', p_stream USING ERRCODE = 'SK409';
    END IF;
    v_current := 0;
  ELSE
    UPDATE streams SET version = p_expected + n WHERE streams.stream_id = p_stream AND version = p_expected;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'stream % is not at version %', p_stream, p_expected USING ERRCODE = 'SK409';
    END IF;
    v_current := p_expected;
  END IF;

  RETURN QUERY
    INSERT INTO events AS e (stream_id, stream_version, type, schema_version, data, metadata)
    SELECT p_stream, v_current + i.ord::integer, i.t, i.v, i.d, i.m
      FROM unnest(p_types, p_schema_versions, p_data, p_metadata) WITH ORDINALITY AS i(t, v, d, m, ord)
      ORDER BY i.ord
    RETURNING e.global_position, e.stream_version, e.transaction_id;

  -- Delivered at commit; projectors in every app process wake up. Polling covers a missed notification.
  PERFORM pg_notify('skillswap_events', '');
END $$;

-- One row per projector: where it is, written in the same transaction as its read-model changes.
CREATE TABLE projection_checkpoints (
  name text PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT '0'::xid8,
  position bigint NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'running',
  rebuild_position bigint,
  rebuild_started_at timestamptz,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
