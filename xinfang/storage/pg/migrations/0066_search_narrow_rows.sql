-- Issue 12 §5, search at 1,000,000 cases (pg/search.py, docs/postgres.md §5). The stored `grams` array made
-- every search row ~1.8 KB, so a count read a third of the table and a LIKE recheck read wide rows. Now the
-- rows hold only (id, doc) and the 1–2-character index is on an expression the server computes from `doc`.

-- Every character and adjacent character pair of doc, none spanning the separator '|' (pg/search.grams_of
-- is the same rule; duplicates are fine, GIN keeps each key once). IMMUTABLE: it reads nothing but `doc`.
CREATE FUNCTION xinfang_grams(doc text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    found text[] := '{}';
    prev text := '|';
    c text;
BEGIN
    FOREACH c IN ARRAY string_to_array(doc, NULL) LOOP
        IF c <> '|' THEN
            found := found || c;
            IF prev <> '|' THEN
                found := found || (prev || c);
            END IF;
        END IF;
        prev := c;
    END LOOP;
    RETURN found;
END $$;

SET LOCAL maintenance_work_mem = '256MB';
-- Dropping the column leaves its bytes in every row; the USING expression makes ALTER rewrite the table
-- (and its remaining indexes) without them.
DROP INDEX case_search_grams;
ALTER TABLE case_search DROP COLUMN grams;
ALTER TABLE case_search ALTER COLUMN doc TYPE text USING doc || '';
CREATE INDEX case_search_grams ON case_search USING gin (xinfang_grams(doc));

DROP INDEX dispute_search_grams;
ALTER TABLE dispute_search DROP COLUMN grams;
ALTER TABLE dispute_search ALTER COLUMN doc TYPE text USING doc || '';
CREATE INDEX dispute_search_grams ON dispute_search USING gin (xinfang_grams(doc));
