-- PostgreSQL counterpart of SQLite migration 0049 (issue 10): each duty clock carries its case's responsible
-- unit and 信访形式, kept equal to the case row by triggers, for the report's per-unit deadline counts.
ALTER TABLE clocks ADD COLUMN handling_unit text NOT NULL DEFAULT '';
ALTER TABLE clocks ADD COLUMN channel text NOT NULL DEFAULT '';
UPDATE clocks SET handling_unit = c.handling_unit, channel = c.channel
FROM cases c WHERE c.id = clocks.case_id;
CREATE FUNCTION xinfang_clock_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE clocks k SET handling_unit = c.handling_unit, channel = c.channel
    FROM cases c WHERE c.id = NEW.case_id AND k.case_id = NEW.case_id AND k.step = NEW.step;
    RETURN NULL;
END
$$;
CREATE TRIGGER clocks_owner AFTER INSERT ON clocks
    FOR EACH ROW EXECUTE FUNCTION xinfang_clock_owner();
CREATE FUNCTION xinfang_case_clock_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE clocks SET handling_unit = NEW.handling_unit, channel = NEW.channel WHERE case_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_clock_owner AFTER UPDATE OF handling_unit, channel ON cases
    FOR EACH ROW WHEN (NEW.handling_unit IS DISTINCT FROM OLD.handling_unit OR NEW.channel IS DISTINCT FROM OLD.channel)
    EXECUTE FUNCTION xinfang_case_clock_owner();
CREATE INDEX clocks_unit_due ON clocks(step, handling_unit, due, stopped_on, channel);
