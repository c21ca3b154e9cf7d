-- 清除演示数据 (issue 11 §3). Each run of the demo generator is recorded as a `demo_loads` record with events in
-- the ledger (kind "demo_load": 生成, and 清除 when an administrator removes it), so the cases it made can be
-- told from the office's own. Events removed by that sanctioned purge leave their hash in `purged_events`: the
-- ledger keeps every entry, so the chain and any anchor written down before still verify (storage/purge.py).
CREATE TABLE demo_loads (
    uuid          TEXT PRIMARY KEY,
    seed          INTEGER,                      -- NULL: a load found afterwards (made before loads were recorded)
    first_case_id INTEGER NOT NULL,
    last_case_id  INTEGER NOT NULL,
    cases         INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    purged_at     TEXT,
    event_count   INTEGER NOT NULL DEFAULT 0,
    head_hash     TEXT NOT NULL DEFAULT ''
);

-- One row per event removed by a 清除: the ledger kind and event id its ledger entry names, and its hash.
CREATE TABLE purged_events (
    kind     TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    hash     TEXT NOT NULL,
    purge    TEXT NOT NULL,                     -- the demo_loads record whose 清除 event removed it
    PRIMARY KEY (kind, event_id)
);
CREATE TRIGGER purged_events_no_update BEFORE UPDATE ON purged_events
BEGIN SELECT RAISE(ABORT, '清除记录只能追加，不能修改'); END;
CREATE TRIGGER purged_events_no_delete BEFORE DELETE ON purged_events
BEGIN SELECT RAISE(ABORT, '清除记录只能追加，不能删除'); END;
