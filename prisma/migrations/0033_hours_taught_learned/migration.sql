-- Give and take (issue 17): the minutes of completed sessions a member taught (as host) and learned (marked
-- present), group sessions and swap sessions alike. Filled from the log by the member_profiles projector, which
-- starts again from the beginning (its checkpoint is reset) so members' past sessions count.
ALTER TABLE member_profiles
  ADD COLUMN minutes_taught integer NOT NULL DEFAULT 0,
  ADD COLUMN minutes_learned integer NOT NULL DEFAULT 0;

-- The sessions completed before this migration, from the log: those the projector has already applied (up to its
-- checkpoint, in the log's order, leaving out events it set aside). Later ones it applies itself with the new
-- columns, so none counts twice.
WITH done AS (
  SELECT e.data FROM events e, projection_checkpoints c
   WHERE c.name = 'member_profiles' AND e.type = 'SessionCompleted'
     AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.position)
     AND NOT EXISTS (SELECT 1 FROM projection_set_aside s
                      WHERE s.projector = 'member_profiles' AND s.global_position = e.global_position)
), taught AS (
  SELECT data->>'hostId' AS member_id, sum((data->>'durationMinutes')::int) AS minutes FROM done GROUP BY 1
), learned AS (
  SELECT a.member_id, sum((d.data->>'durationMinutes')::int) AS minutes
    FROM done d, jsonb_array_elements_text(d.data->'attendeeIds') AS a(member_id) GROUP BY 1
)
UPDATE member_profiles p
   SET minutes_taught = coalesce((SELECT minutes FROM taught t WHERE t.member_id = p.member_id), 0),
       minutes_learned = coalesce((SELECT minutes FROM learned l WHERE l.member_id = p.member_id), 0)
 WHERE p.member_id IN (SELECT member_id FROM taught UNION SELECT member_id FROM learned);
