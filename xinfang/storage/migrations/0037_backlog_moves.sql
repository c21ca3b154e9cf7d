-- The 积案 events that move the §2 numbers (take, resolve, close, reopen, delist, reassign) in narrow form:
-- a projection of record_events (kind 'backlog') written in the same transaction as each event and checked
-- against it by `xinfang check`. The numbers as of any date are replayed from these rows without reading the
-- payloads; they are still never stored.
CREATE TABLE backlog_moves (
    record_id INTEGER NOT NULL REFERENCES backlog_records(id),
    seq       INTEGER NOT NULL,
    action    TEXT NOT NULL,
    day       TEXT NOT NULL,
    batch_id  INTEGER,
    due       TEXT,
    leader    TEXT,
    unit      TEXT,
    PRIMARY KEY (record_id, seq)
) WITHOUT ROWID;
INSERT INTO backlog_moves(record_id, seq, action, day, batch_id, due, leader, unit)
SELECT r.id, e.seq, e.action, substr(e.at, 1, 10),
       CASE e.action WHEN 'take' THEN json_extract(e.payload, '$.batch') END,
       CASE e.action WHEN 'take' THEN json_extract(e.payload, '$.due') END,
       CASE WHEN e.action IN ('take', 'reassign') THEN json_extract(e.payload, '$.leader') END,
       CASE e.action WHEN 'take' THEN json_extract(e.payload, '$.unit') END
FROM record_events e JOIN backlog_records r ON r.uuid = e.record
WHERE e.kind = 'backlog' AND e.action IN ('take', 'resolve', 'close', 'reopen', 'delist', 'reassign');
