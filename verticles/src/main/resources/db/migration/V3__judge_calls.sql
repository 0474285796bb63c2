-- The call a claimed pair was sent in, so that after a crash its answer can be looked up at the provider
-- (stored completions) instead of being paid for again.
ALTER TABLE judge_queue ADD COLUMN call_id TEXT;
