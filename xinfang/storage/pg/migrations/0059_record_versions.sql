-- PostgreSQL counterpart of SQLite migration 0059 (issue 12 §2): versions on disputes and 积案 records.
ALTER TABLE disputes ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE backlog_records ADD COLUMN version bigint NOT NULL DEFAULT 0;
