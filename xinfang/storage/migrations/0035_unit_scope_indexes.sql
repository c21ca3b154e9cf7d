-- What a 承办 user's lists and 工作台 read (issue 7 §2: the cases of its own unit, without the restricted
-- accusations against that unit), and the office's 承办单位 filter with a status or a due date, answered from
-- covering indexes instead of reading every row of the unit (at 1M cases a large unit has ~60,000 rows:
-- 1.1–1.4 s per count or first screen before, 1–270 ms after; bench/RESULTS.md).
CREATE INDEX IF NOT EXISTS cases_unit_status ON cases(handling_unit, status);
CREATE INDEX IF NOT EXISTS cases_unit_due ON cases(handling_unit, next_due) WHERE next_due IS NOT NULL;
-- the few restricted cases by accused unit: the scope's `id NOT IN (…)` reads these, not the table
CREATE INDEX IF NOT EXISTS cases_restricted_accused ON cases(accused_unit) WHERE restricted;
