-- PostgreSQL counterpart of SQLite migration 0037: the narrow projection of the 积案 events that move the
-- numbers (take, resolve, close, reopen, delist, reassign), backfilled from record_events.
CREATE TABLE backlog_moves (
    record_id bigint NOT NULL REFERENCES backlog_records(id),
    seq       bigint NOT NULL,
    action    text NOT NULL,
    day       text NOT NULL,
    batch_id  bigint,
    due       text,
    leader    text,
    unit      text,
    PRIMARY KEY (record_id, seq)
);
INSERT INTO backlog_moves(record_id, seq, action, day, batch_id, due, leader, unit)
SELECT r.id, e.seq, e.action, substr(e.at, 1, 10),
       CASE e.action WHEN 'take' THEN (e.payload::jsonb ->> 'batch')::bigint END,
       CASE e.action WHEN 'take' THEN e.payload::jsonb ->> 'due' END,
       CASE WHEN e.action IN ('take', 'reassign') THEN e.payload::jsonb ->> 'leader' END,
       CASE e.action WHEN 'take' THEN e.payload::jsonb ->> 'unit' END
FROM record_events e JOIN backlog_records r ON r.uuid = e.record
WHERE e.kind = 'backlog' AND e.action IN ('take', 'resolve', 'close', 'reopen', 'delist', 'reassign');
