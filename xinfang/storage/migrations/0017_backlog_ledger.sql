-- 积案 events move into the database-wide ledger (docs/ledger.md): every row of the 积案 kinds keeps its
-- event count and the hash of its newest event; receptions and dismissals get a text key for their chains.
-- The events written by 0007's own table (before this release) are not carried over.
ALTER TABLE backlog_records ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE backlog_records ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE backlog_batches ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE backlog_batches ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE leaders ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leaders ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE receptions ADD COLUMN uuid TEXT NOT NULL DEFAULT '';
ALTER TABLE receptions ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE receptions ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE backlog_dismissals ADD COLUMN uuid TEXT NOT NULL DEFAULT '';
ALTER TABLE backlog_dismissals ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE backlog_dismissals ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
DROP TABLE backlog_events;
