-- Issue 12 §2, optimistic concurrency: a case's version goes up by one with every action that changes it
-- (in the action's transaction); an action of a user who read an older version is refused
-- ("本件已被他人更新，请刷新后重试"). Not part of the replayed projection (like event_count).
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
