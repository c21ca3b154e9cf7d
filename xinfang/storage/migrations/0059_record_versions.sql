-- Issue 12 §2, optimistic concurrency for 人民调解 disputes and 积案 records, like cases' (0058): the version
-- goes up with every action that changes the row; an action on an older version is refused.
ALTER TABLE disputes ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE backlog_records ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
