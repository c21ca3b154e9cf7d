-- PostgreSQL counterpart of SQLite migration 0035 (issue 7 §2): the covering indexes of a 承办 user's lists and
-- the office's 承办单位 filter. PG needs a boolean predicate: `restricted <> 0` for SQLite's `WHERE restricted`.
CREATE INDEX cases_unit_status ON cases(handling_unit, status);
CREATE INDEX cases_unit_due ON cases(handling_unit, next_due) WHERE next_due IS NOT NULL;
CREATE INDEX cases_restricted_accused ON cases(accused_unit) WHERE restricted <> 0;
