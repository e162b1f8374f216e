-- After a read that may fail, past a Sync: undoes its failure, if it failed (and nothing, if not).
rollback to savepoint catalog_read
