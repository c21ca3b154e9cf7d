-- The dispute events now live in record_events and the ledger (0018 moved them); the old table goes.
DROP TABLE dispute_events;
