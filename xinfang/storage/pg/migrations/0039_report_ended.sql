-- PostgreSQL counterpart of SQLite migration 0039 (issue 10): `cases.ended_at`, when the case ended (its first
-- terminal step), kept by the database when such an event is appended, plus the report's narrow indexes.
ALTER TABLE cases ADD COLUMN ended_at text;
UPDATE cases SET ended_at = x.at
FROM (SELECT case_id, min(at) AS at FROM events
      WHERE action IN ('decline', 'inform', 'transfer', 'archive', 'close') GROUP BY case_id) AS x
WHERE x.case_id = cases.id;
CREATE FUNCTION xinfang_case_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET ended_at = NEW.at WHERE id = NEW.case_id AND ended_at IS NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER events_ended AFTER INSERT ON events
    FOR EACH ROW WHEN (NEW.action IN ('decline', 'inform', 'transfer', 'archive', 'close'))
    EXECUTE FUNCTION xinfang_case_ended();
CREATE INDEX cases_ended ON cases(ended_at, received_at, handling_unit, repeat_of);
CREATE INDEX cases_purpose ON cases(purpose, received_at);
CREATE INDEX cases_level ON cases(reached_level, received_at);
CREATE INDEX cases_irregular ON cases(received_at) WHERE irregular = 1;
CREATE INDEX cases_repeat ON cases(received_at) WHERE repeat_of <> '';
CREATE INDEX cases_many ON cases(received_at, channel, headcount, irregular) WHERE headcount > 1;
CREATE INDEX cases_unit_stats ON cases(handling_unit, received_at, channel, headcount, purpose, category, reached_level,
                                       irregular, repeat_of);
CREATE INDEX cases_row_stats ON cases(id, handling_unit, rating, channel);
CREATE INDEX events_rate ON events(case_id, at) WHERE action = 'rate';
