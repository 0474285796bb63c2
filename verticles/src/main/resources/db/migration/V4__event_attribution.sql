-- The complementary edge a shown recommendation came through (its "because"), echoed back with the exposure,
-- click or purchase it led to. Edge feedback is recomputed from these rows, so it is as durable as the events.
ALTER TABLE events ADD COLUMN edge_source TEXT;
ALTER TABLE events ADD COLUMN edge_target TEXT;
CREATE INDEX events_edge ON events (edge_source, edge_target) WHERE edge_source IS NOT NULL;
