-- Issue 10: 越级情况 and 非正常上访 on the case (defaults for existing cases), and the covering
-- indexes the statistics read (a year's report walks index ranges, never the whole table).
ALTER TABLE cases ADD COLUMN reached_level TEXT NOT NULL DEFAULT '本级';
ALTER TABLE cases ADD COLUMN irregular INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN irregular_note TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_stats ON cases(received_at, channel, headcount, purpose, category, reached_level, irregular, handling_unit, repeat_of);
CREATE INDEX cases_status_received ON cases(status, received_at);
CREATE INDEX clocks_step_due ON clocks(step, due, stopped_on);
CREATE INDEX clocks_step_trigger ON clocks(step, trigger);
CREATE INDEX clocks_stopped_due ON clocks(stopped_on, due);
CREATE INDEX events_action_at ON events(action, at, case_id);

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
