-- PostgreSQL counterpart of SQLite migration 0038 (issue 9): the dispute list's text search (the same design as
-- case_search: `doc` through pg_trgm for 3+ characters, `grams` for 1–2; pg/search.py), and two covering
-- indexes of the statistics. The data step (pg/db.py) fills dispute_search for disputes registered before.
CREATE TABLE dispute_search (
    dispute_id bigint PRIMARY KEY REFERENCES disputes(id),
    doc        text NOT NULL,
    grams      text[] NOT NULL
);
CREATE INDEX dispute_search_doc ON dispute_search USING gin (doc gin_trgm_ops);
CREATE INDEX dispute_search_grams ON dispute_search USING gin (grams);
CREATE INDEX disputes_agreements ON disputes(outcome_on, committee, agreement_form, agreement_cents, confirm_result,
    performance, headcount, risk_reasons) WHERE agreement_form <> '';
CREATE INDEX disputes_accepted_by_kind ON disputes(source, type, accepted_on, committee) WHERE accepted_on IS NOT NULL;
