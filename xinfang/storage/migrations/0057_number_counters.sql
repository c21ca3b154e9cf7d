-- Issue 12 §2: case, dispute and notice numbers come from a counter row, incremented in the registering
-- transaction (on a server its row lock keeps numbers unique when ten clerks register at once; SQLite's
-- write lock already does). kind 'case': scope = office; 'dispute': scope = committee; 'notice': scope = the
-- notice kind. Started at the highest number each scope has used.
CREATE TABLE number_counters (
    kind  TEXT NOT NULL,
    scope TEXT NOT NULL,
    year  INTEGER NOT NULL,
    seq   INTEGER NOT NULL,
    PRIMARY KEY (kind, scope, year)
);
INSERT INTO number_counters(kind, scope, year, seq) SELECT 'case', office, year, max(seq) FROM cases GROUP BY office, year;
INSERT INTO number_counters(kind, scope, year, seq) SELECT 'dispute', committee, year, max(seq) FROM disputes GROUP BY committee, year;
INSERT INTO number_counters(kind, scope, year, seq) SELECT 'notice', kind, year, max(seq) FROM notices GROUP BY kind, year;
