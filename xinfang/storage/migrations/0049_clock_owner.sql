-- Issue 10 at 1,000,000 cases: each duty clock carries its case's responsible unit (`handling_unit`) and
-- 信访形式 (`channel`), kept equal to the case row by the database itself (the triggers below, also for bulk
-- and demo loads), so that the per-unit and 12345 deadline counts of a report are ranges of one covering
-- index, without joining each clock to its case or sorting by unit. Derived, not part of the replayed
-- projection; `check` compares them with the cases.
ALTER TABLE clocks ADD COLUMN handling_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE clocks ADD COLUMN channel TEXT NOT NULL DEFAULT '';
UPDATE clocks SET handling_unit = c.handling_unit, channel = c.channel
FROM cases c WHERE c.id = clocks.case_id;
CREATE TRIGGER clocks_owner AFTER INSERT ON clocks
BEGIN UPDATE clocks SET handling_unit = coalesce((SELECT handling_unit FROM cases WHERE id = NEW.case_id), ''),
                        channel = coalesce((SELECT channel FROM cases WHERE id = NEW.case_id), '')
      WHERE case_id = NEW.case_id AND step = NEW.step; END;
CREATE TRIGGER cases_clock_owner AFTER UPDATE OF handling_unit, channel ON cases
WHEN NEW.handling_unit IS NOT OLD.handling_unit OR NEW.channel IS NOT OLD.channel
BEGIN UPDATE clocks SET handling_unit = NEW.handling_unit, channel = NEW.channel WHERE case_id = NEW.id; END;
CREATE INDEX clocks_unit_due ON clocks(step, handling_unit, due, stopped_on, channel);
