-- Issue 6 §2, the full check at 1,000,000 cases: a case whose state digest is known is checked by hashing its
-- rows once instead of replaying every event (storage/digests.py). A new event carries the digest of the
-- projection after it in its payload (chained by the event's hash). For cases whose newest event is older
-- (written before this version, or by a bulk load) the digest of their replayed events is kept here, in
-- batches; each batch is a record with an event that states how many rows it has and a hash over them, so a
-- row changed, added or removed behind the program's back is found. Append-only like the events.
CREATE TABLE digest_batches (
    uuid        TEXT PRIMARY KEY,
    cases       INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    event_count INTEGER NOT NULL DEFAULT 0,
    head_hash   TEXT NOT NULL DEFAULT ''
);
CREATE TABLE projection_digests (
    case_id INTEGER NOT NULL,
    seq     INTEGER NOT NULL,               -- the case's newest event when the digest was taken
    batch   TEXT NOT NULL,                  -- the digest_batches record that vouches for it
    digest  TEXT NOT NULL,
    PRIMARY KEY (case_id, seq, batch)
) WITHOUT ROWID;
CREATE TRIGGER projection_digests_no_update BEFORE UPDATE ON projection_digests
BEGIN SELECT RAISE(ABORT, '摘要记录只能追加，不能修改'); END;
CREATE TRIGGER projection_digests_no_delete BEFORE DELETE ON projection_digests
BEGIN SELECT RAISE(ABORT, '摘要记录只能追加，不能删除'); END;
