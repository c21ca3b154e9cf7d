-- 人民调解 (issue 9) at scale: the dispute list's text search gets its own index, and a year of
-- `dispute stats` reads the agreements from one covering index instead of a table lookup per agreement.

-- The same tokens as case_search (storage/search.py): one token per character for names and text,
-- 4-grams of letter/digit runs for numbers, so any substring of 1+ characters is found.
-- Columns: number (纠纷案号), names (parties, agents, mediators), ids (ID numbers, phones, referral number),
-- codes (4-grams of every run), body (summary, requests). Filled by the mediation store when a dispute is
-- registered (those fields never change afterwards); the data step of this migration fills it for old rows.
CREATE VIRTUAL TABLE dispute_search USING fts5(
    number, names, ids, codes, body,
    content = '',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- Agreements (调解成功) by the day of the outcome, with every column the statistics read.
CREATE INDEX disputes_agreements ON disputes(outcome_on, committee, agreement_form, agreement_cents, confirm_result,
    performance, headcount, risk_reasons) WHERE agreement_form <> '';
-- Accepted disputes in (source, type) order: a long period's counts by source and type are read in index
-- order instead of sorting every accepted row of the period (mediation_store.accepted_counts).
CREATE INDEX disputes_accepted_by_kind ON disputes(source, type, accepted_on, committee) WHERE accepted_on IS NOT NULL;
