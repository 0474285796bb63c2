-- The A/B arms a user was in when an event of theirs was accepted: {"experiment": "arm", ...}, one entry per
-- experiment running then (null when none ran). Experiment reports count these rows, so they are as durable as
-- the events and the same on every instance.
ALTER TABLE events ADD COLUMN arms JSONB;
CREATE INDEX events_arms ON events USING GIN (arms) WHERE arms IS NOT NULL;
