-- Before a read that may fail (no privilege, no storage schema): its failure is then undone by
-- rollback_to_savepoint.sql, and the reads after it still run in the same round trip.
savepoint catalog_read
