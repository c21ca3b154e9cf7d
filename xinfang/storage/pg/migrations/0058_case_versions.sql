-- PostgreSQL counterpart of SQLite migration 0058 (issue 12 §2): the case's version for optimistic
-- concurrency (`UPDATE cases SET version = version + 1 WHERE id = %s AND version = %s`; 0 rows: refused).
ALTER TABLE cases ADD COLUMN version bigint NOT NULL DEFAULT 0;
