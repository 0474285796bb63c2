-- Verdicts of an external judge read from Kafka (kafka.verdictsTopic): where each was first read,
-- kafka/<topic>/<partition>/<offset>. NULL for the engine's own verdicts. The judge never asks such a pair itself.
ALTER TABLE verdicts ADD COLUMN origin TEXT;
CREATE INDEX verdicts_external ON verdicts (source, target) WHERE origin IS NOT NULL;
