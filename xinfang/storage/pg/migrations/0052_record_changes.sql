-- PostgreSQL counterpart of SQLite migration 0052: no schema change. On SQLite its data step gives the disputes,
-- the small 积案 kinds and the accounts of an existing file a 建账 (baseline) event; no PostgreSQL database
-- holds records written by the program yet (the server engine is still refused to users), so there is none here.
SELECT 1;
