-- The end of the session, sent with the reads: nothing was written, and the reply is not awaited.
rollback
