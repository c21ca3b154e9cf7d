-- PostgreSQL counterpart of SQLite migration 0036 (issue 11 §3, 清除演示数据): each demo generator run as a
-- `demo_loads` record with ledger events, and the append-only hashes of events a sanctioned purge removed.
CREATE TABLE demo_loads (
    uuid          text PRIMARY KEY,
    seed          bigint,
    first_case_id bigint NOT NULL,
    last_case_id  bigint NOT NULL,
    cases         bigint NOT NULL,
    created_at    text NOT NULL,
    purged_at     text,
    event_count   bigint NOT NULL DEFAULT 0,
    head_hash     text NOT NULL DEFAULT ''
);
CREATE TABLE purged_events (
    kind     text NOT NULL,
    event_id bigint NOT NULL,
    hash     text NOT NULL,
    purge    text NOT NULL,
    PRIMARY KEY (kind, event_id)
);
CREATE TRIGGER purged_events_no_update BEFORE UPDATE ON purged_events
    FOR EACH ROW EXECUTE FUNCTION xinfang_append_only('清除记录只能追加，不能修改');
CREATE TRIGGER purged_events_no_delete BEFORE DELETE ON purged_events
    FOR EACH ROW EXECUTE FUNCTION xinfang_append_only('清除记录只能追加，不能删除');
CREATE TRIGGER purged_events_no_truncate BEFORE TRUNCATE ON purged_events
    FOR EACH STATEMENT EXECUTE FUNCTION xinfang_append_only('清除记录只能追加，不能删除');
