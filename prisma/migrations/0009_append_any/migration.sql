-- Performance, found by `npm run bench` (docs/BENCHMARKS.md). Behaviour is unchanged.

-- 1. An 'any' append to a stream that exists in one round trip. The store asked first whether the stream existed
-- (SELECT 1 FROM streams), then appended: two round trips for every 'any' append, the commonest kind of a reactor
-- or a live registration. p_expected = -1 now means "the stream exists, at whatever version": the streams row is
-- updated, and when there is no such stream the call fails with SK404 and the store creates it as before, in a
-- transaction.
CREATE OR REPLACE FUNCTION append_events(
  p_stream text, p_expected integer, p_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_notify boolean DEFAULT true
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
  ELSIF p_expected = -1 THEN
    -- The same statement as for NULL, which on an existing stream takes the row lock before the transaction id;
    -- only a stream that did not exist (its version is now n) is refused, and the insert undone with the call.
    INSERT INTO streams AS s (stream_id, version) VALUES (p_stream, n)
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + n
      RETURNING s.version - n INTO v_current;
    IF v_current = 0 THEN
      RAISE EXCEPTION 'stream % does not exist', p_stream USING ERRCODE = 'SK404';
    END IF;
    -- Readers order the log by (transaction id, position): a stream's events must not go backwards in transaction
    -- id. The row lock above comes before the id, so they cannot; checked anyway (one index probe), because a
    -- stream read out of order would be wrong for good: such an append is refused like a version conflict and the
    -- store appends again, in a new transaction.
    IF EXISTS (
      SELECT 1 FROM events p WHERE p.stream_id = p_stream AND p.stream_version = v_current
         AND p.transaction_id > pg_current_xact_id()
    ) THEN
      RAISE EXCEPTION 'stream % moved on in a younger transaction', p_stream USING ERRCODE = 'SK409';
    END IF;
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
  IF p_notify THEN
    PERFORM pg_notify('skillswap_events', '');
  END IF;
END $$;

-- 2. No query of the app reads the events by type alone (projectors read the log in order and filter each batch;
-- streams are read by their id): the index cost every append an index insertion for nothing.
DROP INDEX events_type;
