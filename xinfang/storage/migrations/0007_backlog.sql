-- 积案化解 (issue 8): leaders, 交办批次, 积案 records (a projection of their events), 积案候选 dismissals,
-- 公开接访日. Numbers are never stored: they are computed from backlog_events.

-- 包案领导 with their post; `login` links a leader to a user account (his 工作台).
CREATE TABLE leaders (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    post       TEXT NOT NULL DEFAULT '',
    login      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- 交办批次: never deleted once it holds records; closed_on marks a finished campaign.
CREATE TABLE backlog_batches (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    issuer      TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    target_on   TEXT NOT NULL,
    target_rate REAL NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    closed_on   TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

-- One 积案 record on a case; the current state is a projection of its events.
CREATE TABLE backlog_records (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    batch_id    INTEGER NOT NULL REFERENCES backlog_batches(id),
    source      TEXT NOT NULL CHECK (source IN ('上级交办', '本级排查')),
    taken_on    TEXT NOT NULL,
    leader      TEXT NOT NULL DEFAULT '',
    unit        TEXT NOT NULL DEFAULT '',
    plan        TEXT NOT NULL DEFAULT '',
    due         TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('未化解', '已化解', '已结案')),
    way         TEXT NOT NULL DEFAULT '',
    resolved_on TEXT,
    closed_on   TEXT,
    delisted_on TEXT,
    approver    TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
);
-- one record per case at a time: a case comes back in a later batch only after 销号
CREATE UNIQUE INDEX backlog_records_one_open ON backlog_records(case_id) WHERE delisted_on IS NULL;
CREATE INDEX backlog_records_batch ON backlog_records(batch_id, status);
CREATE INDEX backlog_records_leader ON backlog_records(leader, status);

-- Append-only, hash-chained per subject ('record:<uuid>', 'batch:<id>', 'leader:<id>', 'reception:<id>',
-- 'candidate:<case id>'); record_id is set for a 积案 record's events (replayed for the numbers).
CREATE TABLE backlog_events (
    id          INTEGER PRIMARY KEY,
    subject     TEXT NOT NULL,
    record_id   INTEGER REFERENCES backlog_records(id),
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (subject, seq)
);
CREATE INDEX backlog_events_record ON backlog_events(record_id, seq) WHERE record_id IS NOT NULL;
CREATE TRIGGER backlog_events_no_update BEFORE UPDATE ON backlog_events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能修改'); END;
CREATE TRIGGER backlog_events_no_delete BEFORE DELETE ON backlog_events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能删除'); END;

-- 积案候选 a person dismissed; proposed again once the case has a newer event or a newer repeat link.
CREATE TABLE backlog_dismissals (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    reason       TEXT NOT NULL,
    dismissed_at TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    last_event   INTEGER NOT NULL,
    repeat_links INTEGER NOT NULL
);
CREATE INDEX backlog_dismissals_case ON backlog_dismissals(case_id);

-- 公开接访日: the cases received there are those registered with public_reception on that day.
CREATE TABLE receptions (
    id         INTEGER PRIMARY KEY,
    day        TEXT NOT NULL,
    leader     TEXT NOT NULL,
    place      TEXT NOT NULL,
    units      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX receptions_day ON receptions(day);

-- 积案候选 rule 3 (closed after 复核 and petitioned again) reads these few cases without a table scan.
CREATE INDEX cases_after_recheck ON cases(id) WHERE no_longer_candidate = 1;
