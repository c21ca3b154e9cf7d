-- Issue 12 §5: the planner's row estimate for `xinfang_grams(doc) @> ARRAY[q]` comes from the most common
-- elements ANALYZE keeps for the index expression. With the default target (100: the top 1,000 characters and
-- pairs, the rarest of them in 3 % of the cases) every other one is guessed at 0.5 % (5,000 cases at 1M), so the
-- newest-first walk was chosen for a character no case has and read the whole table (seconds). Target 1000 keeps
-- about 10,000 of them (down to ~0.1 %); a rarer one is guessed below that and read from the index instead.
-- ANALYZE samples 300,000 rows then (minutes at 1M: it computes xinfang_grams for each); run it now, since an
-- index made by 0066 has no statistics until the next automatic ANALYZE.
ALTER INDEX case_search_grams ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX dispute_search_grams ALTER COLUMN 1 SET STATISTICS 1000;
ANALYZE case_search;
ANALYZE dispute_search;
