-- Suspensions may end by themselves (MemberSuspended v2 `until`): sign-in tells a suspended member until when.
-- Kept by the member_profiles projector; null while not suspended or suspended until a moderator lifts it.
ALTER TABLE member_profiles ADD COLUMN IF NOT EXISTS suspended_until timestamptz;
