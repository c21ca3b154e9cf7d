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
    updated_at       TEXT NOT NULL,
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

-- Append-only, hash-chained per dispute (the same scheme as the case events).
CREATE TABLE dispute_events (
    id          INTEGER PRIMARY KEY,
    dispute_id  INTEGER NOT NULL REFERENCES disputes(id),
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (dispute_id, seq)
);
CREATE TRIGGER dispute_events_no_update BEFORE UPDATE ON dispute_events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能修改'); END;
CREATE TRIGGER dispute_events_no_delete BEFORE DELETE ON dispute_events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能删除'); END;
