-- Replays of dead letters (kerec deadletters replay): how often a row was re-submitted and when last, and for a
-- record that failed again after a replay, the dead letter it replays. Listing filters by time.
ALTER TABLE dead_letters
  ADD COLUMN replays   INT NOT NULL DEFAULT 0,
  ADD COLUMN replay_of BIGINT REFERENCES dead_letters (id);
CREATE INDEX dead_letters_received_at ON dead_letters (received_at);
