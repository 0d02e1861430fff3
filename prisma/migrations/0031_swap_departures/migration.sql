-- When a member is deleted or suspended, a reactor (modules/swaps/departures.ts) ends the swaps still open with
-- them. It finds them in the event log itself (EventStore.streamsWhere), through these indexes: a read model could
-- trail the reactor and miss a proposal.
CREATE INDEX events_swap_proposers ON events ((data->>'proposerId')) WHERE type = 'SwapProposed';
CREATE INDEX events_swap_receivers ON events ((data->>'receiverId')) WHERE type = 'SwapProposed';
