-- Attendance (issue 18): when each registered member used the join link (MemberJoined), and the date of their
-- no-show for that session (NoShowsRecorded: absent at completion, or left within LATE_LEAVE_HOURS of the start),
-- which is the session's start. The no-show policy reads a member's no-show dates from here, and the host's
-- attendees list their attendance rate.
ALTER TABLE session_registrations ADD COLUMN IF NOT EXISTS joined_at timestamptz;
ALTER TABLE session_registrations ADD COLUMN IF NOT EXISTS no_show_at timestamptz;
CREATE INDEX IF NOT EXISTS session_registrations_no_shows ON session_registrations (member_id, no_show_at)
  WHERE no_show_at IS NOT NULL;
