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
-- The received counts of a period, each a count(*) of a narrow index range (StatsStore.received_summary):
-- by 信访目的 and 越级情况 (channel, category and unit have theirs), 非正常上访 and 重复件 (partial), the
-- headcounts above 1 (集体访, 人次), and one unit's cases with everything the report counts.
CREATE INDEX cases_purpose ON cases(purpose, received_at);
CREATE INDEX cases_level ON cases(reached_level, received_at);
CREATE INDEX cases_irregular ON cases(received_at) WHERE irregular = 1;
CREATE INDEX cases_repeat ON cases(received_at) WHERE repeat_of <> '';
CREATE INDEX cases_many ON cases(received_at, channel, headcount, irregular) WHERE headcount > 1;
CREATE INDEX cases_unit_stats ON cases(handling_unit, received_at, channel, headcount, purpose, category, reached_level, irregular, repeat_of);
-- Per-unit and rating counts look up the case of each clock/event: in this narrow index, not the wide rows.
CREATE INDEX cases_row_stats ON cases(id, handling_unit, rating, channel);
-- 参评率: whether (and when) a served reply was rated, found per case without reading its events.
CREATE INDEX events_rate ON events(case_id, at) WHERE action = 'rate';
