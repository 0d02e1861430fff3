-- When a member is deleted or suspended, a reactor (modules/sessions/departures.ts) releases their seats and
-- waitlist places and cancels the sessions they host. It finds them in the event log itself, through these
-- indexes (EventStore.streamsWhere): a read model could trail the reactor and miss a registration.
CREATE INDEX events_session_members ON events ((data->>'memberId'))
  WHERE type IN ('MemberRegistered', 'MemberWaitlisted');
CREATE INDEX events_session_hosts ON events ((data->>'hostId')) WHERE type = 'SessionScheduled';

-- The reactor that cancelled a suspended host's sessions now does all of the above under a new name; it goes on
-- from where the old one was, so past suspensions are not acted on again.
UPDATE projection_checkpoints SET name = 'member_departures'
 WHERE name = 'sessions_of_suspended_hosts'
   AND NOT EXISTS (SELECT 1 FROM projection_checkpoints WHERE name = 'member_departures');
