-- xinfang: the current schema, canonical. Migrations in xinfang/storage/migrations/ must end here
-- (tests/storage/test_migrations.py compares the two).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL              -- JSON
, event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '');

CREATE TABLE users (
    login      TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    roles      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
, event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '');

-- Accounts (issue 7): who may log in. `users` stays the list of every actor named in the log; an
-- account adds the unit, the state and the password hash (scrypt; never the password itself).
CREATE TABLE accounts (
    login         TEXT PRIMARY KEY REFERENCES users(login),
    unit          TEXT NOT NULL DEFAULT '',      -- 承办单位 / 调解委员会 code
    active        INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL DEFAULT '',
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    changed_at    TEXT NOT NULL
);

-- Statutory rest days (休) and 调休 make-up workdays (班); ordinary weekends are implied.
CREATE TABLE holidays (
    day    TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('休', '班')),
    name   TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'seed'
);

-- Two-level category dictionary; `path` is "一级/二级" (or "一级" for a first-level entry).
CREATE TABLE categories (
    path       TEXT PRIMARY KEY,
    level1     TEXT NOT NULL,
    level2     TEXT NOT NULL DEFAULT '',
    litigation INTEGER NOT NULL DEFAULT 0,   -- 诉访分离: belongs to a statutory procedure
    sort       INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE units (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    parent  TEXT NOT NULL DEFAULT '',
    kind    TEXT NOT NULL,
    level   INTEGER NOT NULL,
    areas   TEXT NOT NULL DEFAULT '',        -- 属地 area codes joined by '、'
    contact TEXT NOT NULL DEFAULT '',
    phone   TEXT NOT NULL DEFAULT '',
    active  INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX units_name ON units(name);

-- 区划 names for places of the matter (district, street, community, grid).
CREATE TABLE places (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- 权责清单: versioned rule sets; exactly one is active.
CREATE TABLE rule_sets (
    version     INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE rules (
    version    INTEGER NOT NULL REFERENCES rule_sets(version),
    row        INTEGER NOT NULL,
    category   TEXT NOT NULL DEFAULT '',
    keywords   TEXT NOT NULL DEFAULT '',
    area       TEXT NOT NULL DEFAULT '',
    unit       TEXT NOT NULL,
    priority   INTEGER NOT NULL DEFAULT 0,
    basis      TEXT NOT NULL DEFAULT '',
    valid_from TEXT,
    valid_to   TEXT,
    PRIMARY KEY (version, row)
) WITHOUT ROWID;

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    number           TEXT NOT NULL,
    office           TEXT NOT NULL,
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    channel          TEXT NOT NULL,
    work_order_no    TEXT NOT NULL DEFAULT '',
    received_at      TEXT NOT NULL,
    registered_at    TEXT NOT NULL,
    registered_by    TEXT NOT NULL DEFAULT '',
    purpose          TEXT NOT NULL,
    category         TEXT NOT NULL,
    place            TEXT NOT NULL DEFAULT '',
    place_code       TEXT NOT NULL DEFAULT '',
    summary          TEXT NOT NULL,
    content          TEXT NOT NULL DEFAULT '',
    demands          TEXT NOT NULL DEFAULT '',
    headcount        INTEGER NOT NULL DEFAULT 1,
    collective       INTEGER NOT NULL DEFAULT 0,
    reception_leader TEXT NOT NULL DEFAULT '',
    public_reception INTEGER NOT NULL DEFAULT 0,
    caused_by        TEXT NOT NULL DEFAULT '',
    accused_unit     TEXT NOT NULL DEFAULT '',
    legal_status     TEXT NOT NULL DEFAULT '',
    petitioner_names TEXT NOT NULL DEFAULT '',   -- denormalised for the list view
    status           TEXT NOT NULL,
    disposition      TEXT NOT NULL DEFAULT '',
    handling_unit    TEXT NOT NULL DEFAULT '',
    restricted       INTEGER NOT NULL DEFAULT 0,
    repeat_of        TEXT NOT NULL DEFAULT '',
    no_longer_candidate INTEGER NOT NULL DEFAULT 0,
    outcome          TEXT NOT NULL DEFAULT '',
    rating           TEXT NOT NULL DEFAULT '',
    closure_reason   TEXT NOT NULL DEFAULT '',
    closed_at        TEXT,
    next_due         TEXT,                       -- earliest due date of the running duty clocks
    next_step        TEXT,
    route            TEXT NOT NULL DEFAULT '{}', -- routing decision (JSON)
    updated_at       TEXT NOT NULL, event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '', reached_level TEXT NOT NULL DEFAULT '本级', irregular INTEGER NOT NULL DEFAULT 0, irregular_note TEXT NOT NULL DEFAULT '', ended_at TEXT, version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (office, year, seq)
);
CREATE INDEX cases_received ON cases(received_at);
CREATE INDEX cases_status ON cases(status, next_due);
CREATE INDEX cases_due ON cases(next_due) WHERE next_due IS NOT NULL;
CREATE INDEX cases_unit ON cases(handling_unit, received_at);
CREATE INDEX cases_category ON cases(category, received_at);
CREATE INDEX cases_channel ON cases(channel, received_at);
CREATE INDEX cases_registered_by ON cases(registered_by, id);
-- the 承办 scope and the unit filters with a status or a due date, from indexes (migration 0035)
CREATE INDEX cases_unit_status ON cases(handling_unit, status);
CREATE INDEX cases_unit_due ON cases(handling_unit, next_due) WHERE next_due IS NOT NULL;
CREATE INDEX cases_restricted_accused ON cases(accused_unit) WHERE restricted;
-- 越级情况 (reached_level: 本级/到区/到市/到省/进京) and 非正常上访 (irregular + irregular_note) come from
-- migration 0009; the statistics read the covering indexes below (xinfang/storage/stats_store.py).
CREATE INDEX cases_stats ON cases(received_at, channel, headcount, purpose, category, reached_level, irregular, handling_unit, repeat_of);
CREATE INDEX cases_status_received ON cases(status, received_at);
-- ended_at (migration 0039): when the case ended (its first terminal step), set by the trigger events_ended;
-- derived from the events, not replayed; cases_ended / cases_row_stats / events_rate serve the statistics at 1M.
CREATE INDEX cases_ended ON cases(ended_at, received_at, handling_unit, repeat_of);
CREATE INDEX cases_row_stats ON cases(id, handling_unit, rating, channel);
-- The received counts of a period, each a count(*) of a narrow index range (StatsStore.received_summary):
-- by 信访目的 and 越级情况 (channel, category and unit have theirs), 非正常上访 and 重复件 (partial), the
-- headcounts above 1 (集体访, 人次), and one unit's cases with everything the report counts.
CREATE INDEX cases_purpose ON cases(purpose, received_at);
CREATE INDEX cases_level ON cases(reached_level, received_at);
CREATE INDEX cases_irregular ON cases(received_at) WHERE irregular = 1;
CREATE INDEX cases_repeat ON cases(received_at) WHERE repeat_of <> '';
CREATE INDEX cases_many ON cases(received_at, channel, headcount, irregular) WHERE headcount > 1;
CREATE INDEX cases_unit_stats ON cases(handling_unit, received_at, channel, headcount, purpose, category, reached_level, irregular, repeat_of);

CREATE TABLE petitioners (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    pos       INTEGER NOT NULL,
    kind      TEXT NOT NULL DEFAULT '个人',
    name      TEXT NOT NULL DEFAULT '',
    id_number TEXT NOT NULL DEFAULT '',
    phone     TEXT NOT NULL DEFAULT '',
    address   TEXT NOT NULL DEFAULT '',
    role      TEXT NOT NULL DEFAULT '信访人',
    anonymous INTEGER NOT NULL DEFAULT 0,
    sex       TEXT NOT NULL DEFAULT '',
    birth     TEXT
);
CREATE INDEX petitioners_case ON petitioners(case_id);
CREATE INDEX petitioners_id_number ON petitioners(id_number) WHERE id_number <> '';
CREATE INDEX petitioners_name_phone ON petitioners(name, phone) WHERE phone <> '';

-- 重复件 links: the same person + the same matter as an earlier case.
CREATE TABLE repeats (
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    earlier_id INTEGER NOT NULL REFERENCES cases(id),
    person     TEXT NOT NULL,                   -- why the person matched
    similarity REAL NOT NULL,
    PRIMARY KEY (case_id, earlier_id)
) WITHOUT ROWID;
CREATE INDEX repeats_earlier ON repeats(earlier_id);

CREATE TABLE clocks (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    step         TEXT NOT NULL,
    trigger      TEXT NOT NULL,
    days         INTEGER NOT NULL,
    unit         TEXT NOT NULL,
    roll_forward INTEGER NOT NULL,
    extra_days   INTEGER NOT NULL DEFAULT 0,
    tolled_days  INTEGER NOT NULL DEFAULT 0,
    due          TEXT NOT NULL,
    stopped_on   TEXT, handling_unit TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, step)
) WITHOUT ROWID;
CREATE INDEX clocks_step_due ON clocks(step, due, stopped_on);
CREATE INDEX clocks_step_trigger ON clocks(step, trigger);
CREATE INDEX clocks_stopped_due ON clocks(stopped_on, due);
-- handling_unit, channel (migration 0049): the case's, kept equal by the triggers clocks_owner and
-- cases_clock_owner; the per-unit and 12345 deadline counts of a report are ranges of clocks_unit_due.
CREATE INDEX clocks_unit_due ON clocks(step, handling_unit, due, stopped_on, channel);
CREATE TRIGGER clocks_owner AFTER INSERT ON clocks
BEGIN UPDATE clocks SET handling_unit = coalesce((SELECT handling_unit FROM cases WHERE id = NEW.case_id), ''),
                        channel = coalesce((SELECT channel FROM cases WHERE id = NEW.case_id), '')
      WHERE case_id = NEW.case_id AND step = NEW.step; END;
CREATE TRIGGER cases_clock_owner AFTER UPDATE OF handling_unit, channel ON cases
WHEN NEW.handling_unit IS NOT OLD.handling_unit OR NEW.channel IS NOT OLD.channel
BEGIN UPDATE clocks SET handling_unit = NEW.handling_unit, channel = NEW.channel WHERE case_id = NEW.id; END;

CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    filename    TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    added_at    TEXT NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id);

-- Append-only event log, hash-chained per case: the timeline and the audit trail.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (case_id, seq)
);
CREATE INDEX events_action_at ON events(action, at, case_id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能修改'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能删除'); END;
-- 访问记录: every unmasking of personal data, newest first, without scanning the event log.
CREATE INDEX events_access ON events(recorded_at) WHERE action = 'unmask';
CREATE INDEX events_rate ON events(case_id, at) WHERE action = 'rate';
CREATE TRIGGER events_ended AFTER INSERT ON events
WHEN NEW.action IN ('decline', 'inform', 'transfer', 'archive', 'close')
BEGIN UPDATE cases SET ended_at = NEW.at WHERE id = NEW.case_id AND ended_at IS NULL; END;

-- One character per token (names, body) and 4-grams of letter/digit runs (number, ids, codes):
-- finds any substring of 1+ characters without trigrams (tech-notes.md §3; storage/search.py).
CREATE VIRTUAL TABLE case_search USING fts5(
    number, names, ids, codes, body,
    content = '',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- Issued notices (受理告知书 …): one number per kind and year, never reused; a reprint finds its row.
CREATE TABLE notices (
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    kind      TEXT NOT NULL,
    year      INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    number    TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    PRIMARY KEY (case_id, kind),
    UNIQUE (kind, year, seq)
) WITHOUT ROWID;

-- 积案化解 (issue 8): leaders, 交办批次, 积案 records (a projection of their events), 积案候选 dismissals,
-- 公开接访日. Numbers are never stored: they are computed from their events (record_events, kind "backlog").

-- 包案领导 with their post; `login` links a leader to a user account (his 工作台).
CREATE TABLE leaders (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    post       TEXT NOT NULL DEFAULT '',
    login      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
, event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '');

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
, event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '');

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
, event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 0);
-- one record per case at a time: a case comes back in a later batch only after 销号
CREATE UNIQUE INDEX backlog_records_one_open ON backlog_records(case_id) WHERE delisted_on IS NULL;
CREATE INDEX backlog_records_batch ON backlog_records(batch_id, status);
CREATE INDEX backlog_records_leader ON backlog_records(leader, status);

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

-- 积案候选 a person dismissed; proposed again once the case has a newer event or a newer repeat link.
CREATE TABLE backlog_dismissals (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    reason       TEXT NOT NULL,
    dismissed_at TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    last_event   INTEGER NOT NULL,
    repeat_links INTEGER NOT NULL
, uuid TEXT NOT NULL DEFAULT '', event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '');
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
, uuid TEXT NOT NULL DEFAULT '', event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '');
CREATE INDEX receptions_day ON receptions(day);

-- 积案候选 rule 3 (closed after 复核 and petitioned again) reads these few cases without a table scan.
CREATE INDEX cases_after_recheck ON cases(id) WHERE no_longer_candidate = 1;

-- 人民调解 (issue 9): committees, mediators, disputes with parties, documents and a hash-chained event log.

-- A committee is also a unit (kind 人民调解委员会) in the unit directory; this row holds what only
-- committees have. `host` is the unit that set it up (村/居委会, 街道, enterprise, trade body).
CREATE TABLE committees (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    host       TEXT NOT NULL,
    category   TEXT NOT NULL CHECK (category IN ('村', '居', '街道', '行业性', '企业')),
    prefix     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE mediators (
    id        INTEGER PRIMARY KEY,
    committee TEXT NOT NULL REFERENCES committees(code),
    name      TEXT NOT NULL,
    phone     TEXT NOT NULL DEFAULT '',
    login     TEXT NOT NULL DEFAULT '',      -- the user account of the mediator, if any
    active    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (committee, name)
);

CREATE TABLE disputes (
    id               INTEGER PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    number           TEXT NOT NULL,
    committee        TEXT NOT NULL REFERENCES committees(code),
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    received_at      TEXT NOT NULL,
    registered_at    TEXT NOT NULL,
    registered_by    TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL,
    referred_by      TEXT NOT NULL DEFAULT '',
    referral_no      TEXT NOT NULL DEFAULT '',
    referral_date    TEXT,
    type             TEXT NOT NULL,
    kind             TEXT NOT NULL DEFAULT '人民调解',
    risk             TEXT NOT NULL DEFAULT '',
    risk_reasons     TEXT NOT NULL DEFAULT '',   -- joined by '、'
    headcount        INTEGER NOT NULL DEFAULT 0,
    amount_cents     INTEGER NOT NULL DEFAULT 0, -- 涉及金额, fen
    grid_worker      TEXT NOT NULL DEFAULT '',
    grid             TEXT NOT NULL DEFAULT '',
    recorder         TEXT NOT NULL DEFAULT '',
    mediator_names   TEXT NOT NULL DEFAULT '',   -- denormalised for the list view
    party_names      TEXT NOT NULL DEFAULT '',
    summary          TEXT NOT NULL,
    requests         TEXT NOT NULL DEFAULT '',
    petition         INTEGER REFERENCES cases(id),
    status           TEXT NOT NULL,
    accepted_on      TEXT,
    sessions         INTEGER NOT NULL DEFAULT 0,
    last_session_on  TEXT,
    extended         INTEGER NOT NULL DEFAULT 0,
    mediation_days   INTEGER NOT NULL DEFAULT 30, -- the period in force when accepted (a setting)
    extension_days   INTEGER NOT NULL DEFAULT 0,
    followup_days    INTEGER NOT NULL DEFAULT 15,
    outcome_on       TEXT,
    agreement_form   TEXT NOT NULL DEFAULT '',
    agreement_cents  INTEGER NOT NULL DEFAULT 0,
    effective_on     TEXT,
    performance_due  TEXT,
    performance      TEXT NOT NULL DEFAULT '',
    performed_on     TEXT,
    confirm_applied_on TEXT,
    confirm_late     INTEGER NOT NULL DEFAULT 0,
    confirm_result   TEXT NOT NULL DEFAULT '',
    followups        INTEGER NOT NULL DEFAULT 0,
    followed_up_on   TEXT,
    archived_on      TEXT,
    next_due         TEXT,                       -- earliest running clock
    next_step        TEXT,
    updated_at       TEXT NOT NULL, event_count INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (committee, year, seq)
);
CREATE INDEX disputes_committee ON disputes(committee, id);
CREATE INDEX disputes_status ON disputes(status, next_due);
CREATE INDEX disputes_due ON disputes(next_due) WHERE next_due IS NOT NULL;
CREATE INDEX disputes_accepted ON disputes(accepted_on, committee, source, type) WHERE accepted_on IS NOT NULL;
CREATE INDEX disputes_outcome ON disputes(outcome_on, status, committee) WHERE outcome_on IS NOT NULL;
CREATE INDEX disputes_petition ON disputes(petition) WHERE petition IS NOT NULL;
CREATE INDEX disputes_type ON disputes(type, id);
CREATE INDEX disputes_source ON disputes(source, id);

CREATE TABLE dispute_parties (
    id         INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES disputes(id),
    pos        INTEGER NOT NULL,
    side       TEXT NOT NULL CHECK (side IN ('申请人', '被申请人', '第三人')),
    kind       TEXT NOT NULL DEFAULT '个人',
    name       TEXT NOT NULL,
    id_number  TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    sex        TEXT NOT NULL DEFAULT '',
    birth      TEXT,
    agent      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dispute_parties_dispute ON dispute_parties(dispute_id);

CREATE TABLE dispute_mediators (
    dispute_id  INTEGER NOT NULL REFERENCES disputes(id),
    mediator_id INTEGER NOT NULL REFERENCES mediators(id),
    pos         INTEGER NOT NULL,
    PRIMARY KEY (dispute_id, mediator_id)
) WITHOUT ROWID;
CREATE INDEX dispute_mediators_mediator ON dispute_mediators(mediator_id, dispute_id);

-- 卷宗 documents: printed by xinfang ('generated') or attached files ('attached').
CREATE TABLE dispute_documents (
    id          INTEGER PRIMARY KEY,
    dispute_id  INTEGER NOT NULL REFERENCES disputes(id),
    kind        TEXT NOT NULL,
    origin      TEXT NOT NULL CHECK (origin IN ('generated', 'attached')),
    filename    TEXT NOT NULL DEFAULT '',
    stored_path TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',
    size        INTEGER NOT NULL DEFAULT 0,
    added_at    TEXT NOT NULL
);
CREATE INDEX dispute_documents_dispute ON dispute_documents(dispute_id, kind);

-- The same tokens as case_search (storage/search.py): one token per character for names and text,
-- 4-grams of letter/digit runs for numbers, so any substring of 1+ characters is found.
-- Columns: number (纠纷案号), names (parties, agents, mediators), ids (ID numbers, phones, referral number),
-- codes (4-grams of every run), body (summary, requests). Filled by the mediation store when a dispute is
-- registered (those fields never change afterwards); the data step of this migration fills it for old rows.
CREATE VIRTUAL TABLE dispute_search USING fts5(
    number, names, ids, codes, body,
    content = '',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- Agreements (调解成功) by the day of the outcome, with every column the statistics read.
CREATE INDEX disputes_agreements ON disputes(outcome_on, committee, agreement_form, agreement_cents, confirm_result,
    performance, headcount, risk_reasons) WHERE agreement_form <> '';
-- Accepted disputes in (source, type) order: a long period's counts by source and type are read in index
-- order instead of sorting every accepted row of the period (mediation_store.accepted_counts).
CREATE INDEX disputes_accepted_by_kind ON disputes(source, type, accepted_on, committee) WHERE accepted_on IS NOT NULL;


-- Events of every record kind except cases, hash-chained per (kind, record).
CREATE TABLE record_events (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    record      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (kind, record, seq)
);
CREATE TRIGGER record_events_no_update BEFORE UPDATE ON record_events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能修改'); END;
CREATE TRIGGER record_events_no_delete BEFORE DELETE ON record_events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能删除'); END;

-- The global chain: entry `seq` covers event `event_id` of `kind` (table `events` for cases, else
-- `record_events`); hash = sha256(previous hash | seq | kind | event_id | the event's hash).
CREATE TABLE ledger (
    seq      INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    hash     TEXT NOT NULL
);
-- The few entries of kinds other than cases, for an anchored check (storage/verify.py).
CREATE INDEX ledger_other ON ledger(kind, seq) WHERE kind <> 'case';
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, '账本只能追加，不能修改'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, '账本只能追加，不能删除'); END;

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

-- Numbers (migration 0057): the highest case number per office and year, dispute number per committee and
-- year, notice number per notice kind and year, incremented in the registering transaction.
-- kind 'case' | 'dispute' | 'notice'; scope: the office / the committee / the notice kind.
CREATE TABLE number_counters (
    kind  TEXT NOT NULL,
    scope TEXT NOT NULL,
    year  INTEGER NOT NULL,
    seq   INTEGER NOT NULL,
    PRIMARY KEY (kind, scope, year)
);

-- Projection digests (migration 0050; storage/digests.py): the state digest of each case whose newest event
-- carries none, in batches vouched for by a digest_batches record's event; append-only.
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

-- The contents of attached files on a server, keyed by sha256 (0060); empty on SQLite, whose files stay in
-- the `<db>-files` folder beside the database.
CREATE TABLE file_contents (
    sha256   TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    content  BLOB NOT NULL,
    added_at TEXT NOT NULL
);
