-- Issue 10 at 1,000,000 cases. `ended_at`: when the case ended (办结 = its first terminal step: 不予受理, 告知,
-- 转政法/纪检, 存档 or 终结), kept by the database itself when such an event is appended, so that "open at a
-- date", "closed in the period" and 初次信访一次性化解 are index ranges instead of a walk of the event log.
-- Derived from the events (not part of the replayed projection); `check` compares it with them.
ALTER TABLE cases ADD COLUMN ended_at TEXT;
UPDATE cases SET ended_at = x.at
FROM (SELECT case_id, min(at) AS at FROM events INDEXED BY events_action_at
      WHERE action IN ('decline', 'inform', 'transfer', 'archive', 'close') GROUP BY case_id) AS x
WHERE x.case_id = cases.id;
CREATE TRIGGER events_ended AFTER INSERT ON events
WHEN NEW.action IN ('decline', 'inform', 'transfer', 'archive', 'close')
BEGIN UPDATE cases SET ended_at = NEW.at WHERE id = NEW.case_id AND ended_at IS NULL; END;
CREATE INDEX cases_ended ON cases(ended_at, received_at, handling_unit, repeat_of);
-- Per-unit and rating counts look up the case of each clock/event: in this narrow index, not the wide rows.
CREATE INDEX cases_row_stats ON cases(id, handling_unit, rating, repeat_of);
-- 参评率: whether (and when) a served reply was rated, found per case without reading its events.
CREATE INDEX events_rate ON events(case_id, at) WHERE action = 'rate';
