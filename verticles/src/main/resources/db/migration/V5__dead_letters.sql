-- Records from a stream that failed validation or processing, kept with their raw payload, the error and where
-- they came from. Unique per source position, so consuming a record again after a crash does not add it twice.
CREATE TABLE dead_letters (
  id           BIGSERIAL PRIMARY KEY,
  source       TEXT NOT NULL,
  topic        TEXT NOT NULL,
  partition    INT NOT NULL,
  "offset"     BIGINT NOT NULL,
  record_key   TEXT,
  payload      TEXT NOT NULL,
  error        TEXT NOT NULL,
  field        TEXT,
  received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  replayed_at  TIMESTAMPTZ,
  UNIQUE (topic, partition, "offset")
);
