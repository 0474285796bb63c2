-- Pairs waiting for a paid LLM verdict. A pair is claimed with FOR UPDATE SKIP LOCKED, so several engine
-- instances share the queue and an instance that crashed loses nothing: its claims go back to pending.
CREATE TABLE judge_queue (
  source          TEXT NOT NULL,
  target          TEXT NOT NULL,
  provider        TEXT NOT NULL,
  model           TEXT NOT NULL,
  prompt_version  TEXT NOT NULL,
  priority        BIGINT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'claimed', 'exported', 'unparseable', 'abstained')),
  claimed_by      TEXT,
  claimed_until   TIMESTAMPTZ,
  not_before      TIMESTAMPTZ NOT NULL DEFAULT now(),
  abstentions     INT NOT NULL DEFAULT 0,
  custom_id       TEXT,
  batch_position  INT,
  last_error      TEXT,
  raw_answer      TEXT,
  enqueued_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (source, target, provider, model, prompt_version)
);
CREATE INDEX judge_queue_ready ON judge_queue (provider, model, prompt_version, priority)
  WHERE state IN ('pending', 'claimed');
CREATE INDEX judge_queue_custom_id ON judge_queue (custom_id) WHERE custom_id IS NOT NULL;

-- Tokens spent per UTC day, for the spend caps.
CREATE TABLE judge_spend (
  day       DATE NOT NULL,
  provider  TEXT NOT NULL,
  model     TEXT NOT NULL,
  tokens    BIGINT NOT NULL DEFAULT 0,
  calls     BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, provider, model)
);

-- Batch-API exports: their custom_ids are <export_id>-<0..requests-1>.
CREATE TABLE judge_exports (
  export_id       TEXT NOT NULL,
  provider        TEXT NOT NULL,
  model           TEXT NOT NULL,
  prompt_version  TEXT NOT NULL,
  requests        INT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (export_id, provider, model, prompt_version)
);
