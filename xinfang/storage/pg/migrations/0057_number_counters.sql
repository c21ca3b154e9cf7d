-- PostgreSQL counterpart of SQLite migration 0057 (issue 12 §2): numbers from a counter row per (kind, scope,
-- year), `INSERT … ON CONFLICT DO UPDATE … RETURNING seq` in the registering transaction; its row lock lasts
-- until commit, so concurrent registrations of one office and year get consecutive, unique numbers.
CREATE TABLE number_counters (
    kind  text NOT NULL,
    scope text NOT NULL,
    year  bigint NOT NULL,
    seq   bigint NOT NULL,
    PRIMARY KEY (kind, scope, year)
);
INSERT INTO number_counters(kind, scope, year, seq) SELECT 'case', office, year, max(seq) FROM cases GROUP BY office, year;
INSERT INTO number_counters(kind, scope, year, seq) SELECT 'dispute', committee, year, max(seq) FROM disputes GROUP BY committee, year;
INSERT INTO number_counters(kind, scope, year, seq) SELECT 'notice', kind, year, max(seq) FROM notices GROUP BY kind, year;
