-- Kerec system of record. Accepted input is durable here before it is acknowledged.
CREATE TABLE items (
  item_id     TEXT PRIMARY KEY,
  title       TEXT NOT NULL,
  price       DOUBLE PRECISION,
  category    TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE item_entities (
  item_id   TEXT NOT NULL REFERENCES items (item_id) ON DELETE CASCADE,
  position  INT NOT NULL,
  entity    TEXT NOT NULL,
  PRIMARY KEY (item_id, position)
);
CREATE INDEX item_entities_entity ON item_entities (entity);

CREATE TABLE events (
  seq          BIGSERIAL UNIQUE,
  event_id     TEXT PRIMARY KEY,
  type         TEXT NOT NULL CHECK (type IN ('purchase', 'exposure', 'click')),
  user_id      TEXT NOT NULL,
  item_id      TEXT NOT NULL REFERENCES items (item_id),
  basket_id    TEXT,
  ts           TIMESTAMPTZ NOT NULL,
  received_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX events_user_ts ON events (user_id, ts);

CREATE TABLE verdicts (
  source          TEXT NOT NULL,
  target          TEXT NOT NULL,
  provider        TEXT NOT NULL,
  model           TEXT NOT NULL,
  prompt_version  TEXT NOT NULL,
  complementary   BOOLEAN NOT NULL,
  confidence      DOUBLE PRECISION NOT NULL,
  reason          TEXT NOT NULL,
  tokens          INT NOT NULL DEFAULT 0,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (source, target, provider, model, prompt_version)
);
