-- Performance: changes found by `npm run bench` (docs/BENCHMARKS.md). Behaviour is unchanged.

-- 1. append_events notifies only when asked (p_notify, true by default: a call as before behaves as before).
-- A NOTIFY inside the appending transaction takes PostgreSQL's single notify lock at pre-commit and keeps it until
-- the transaction ends, WAL flush included, so every appending transaction in the cluster committed one after the
-- other: 32 concurrent writers appended no faster than one. The event store now passes false for the appends it
-- commits itself and sends one NOTIFY right after the commit (coalesced, see infra/event-store/store.ts); appends
-- inside a caller's transaction still notify from within it, delivered at that transaction's commit.
DROP FUNCTION append_events(text, integer, text[], integer[], jsonb[], jsonb[]);

CREATE FUNCTION append_events(
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

-- 2. Indexes for the projectors' per-member writes, which scanned whole tables once per event: the skill catalogue
-- reads, updates and deletes a member's skill_members rows on every profile change (its key starts with the skill),
-- and a member's rename rewrites the author name on their reviews (indexed by session and host only).
CREATE INDEX skill_members_member ON skill_members (member_id);
CREATE INDEX reviews_author ON reviews (author_id);
