-- PostgreSQL counterpart of SQLite migration 0060 (issue 12): attached files' contents keyed by sha256.
-- Attachments are mostly PDFs and photos, already compressed: the server stores them out of line as they
-- are instead of trying to compress them again.
CREATE TABLE file_contents (
    sha256   text PRIMARY KEY,
    size     bigint NOT NULL,
    content  bytea NOT NULL,
    added_at text NOT NULL
);
ALTER TABLE file_contents ALTER COLUMN content SET STORAGE EXTERNAL;
