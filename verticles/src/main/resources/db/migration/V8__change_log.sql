-- The tables every engine instance's in-memory views are derived from (items, events, verdicts) double as an
-- ordered change log that the instances follow (io.kerec.store.ChangeLog): each row records the transaction that
-- wrote it (xid, pg_current_xact_id()), its order within that transaction (seq) and the writing engine (writer,
-- the connection's application_name). A reader takes only rows whose transactions are all finished
-- (xid < pg_snapshot_xmin(pg_current_snapshot())), in (xid, seq) order, so no row can later appear behind its cursor.
-- Rows written before this migration get xid 0: every instance reads them when it builds its views at start.
ALTER TABLE items ADD COLUMN xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE items ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
ALTER TABLE items ADD COLUMN seq BIGSERIAL;
ALTER TABLE items ADD COLUMN writer TEXT NOT NULL DEFAULT '';
ALTER TABLE items ALTER COLUMN writer SET DEFAULT current_setting('application_name');
CREATE INDEX items_change_log ON items (xid, seq);

ALTER TABLE events ADD COLUMN xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
ALTER TABLE events ADD COLUMN writer TEXT NOT NULL DEFAULT '';
ALTER TABLE events ALTER COLUMN writer SET DEFAULT current_setting('application_name');
CREATE INDEX events_change_log ON events (xid, seq);

ALTER TABLE verdicts ADD COLUMN xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE verdicts ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
ALTER TABLE verdicts ADD COLUMN seq BIGSERIAL;
ALTER TABLE verdicts ADD COLUMN writer TEXT NOT NULL DEFAULT '';
ALTER TABLE verdicts ALTER COLUMN writer SET DEFAULT current_setting('application_name');
CREATE INDEX verdicts_change_log ON verdicts (xid, seq);
