-- PostgreSQL counterpart of SQLite migration 0050 (issue 6 §2): the projection digests of the cases whose
-- newest event carries none, in batches vouched for by a digest_batches record's event; append-only.
CREATE TABLE digest_batches (
    uuid        text PRIMARY KEY,
    cases       bigint NOT NULL,
    created_at  text NOT NULL,
    event_count bigint NOT NULL DEFAULT 0,
    head_hash   text NOT NULL DEFAULT ''
);
CREATE TABLE projection_digests (
    case_id bigint NOT NULL,
    seq     bigint NOT NULL,
    batch   text NOT NULL,
    digest  text NOT NULL,
    PRIMARY KEY (case_id, seq, batch)
);
CREATE TRIGGER projection_digests_no_update BEFORE UPDATE ON projection_digests
    FOR EACH ROW EXECUTE FUNCTION xinfang_append_only('摘要记录只能追加，不能修改');
CREATE TRIGGER projection_digests_no_delete BEFORE DELETE ON projection_digests
    FOR EACH ROW EXECUTE FUNCTION xinfang_append_only('摘要记录只能追加，不能删除');
CREATE TRIGGER projection_digests_no_truncate BEFORE TRUNCATE ON projection_digests
    FOR EACH STATEMENT EXECUTE FUNCTION xinfang_append_only('摘要记录只能追加，不能删除');
