-- The session: one READ ONLY transaction, its timeouts set before anything reads the catalog.
-- SET LOCAL ends with the transaction, which keeps it safe through Supabase's transaction
-- pooler, where the server connection is shared. The timeouts come first, as SETs: a SET needs
-- no catalog lookup, so a lock someone holds on a catalog table (pg_proc, pg_namespace...)
-- delays the statements after them by the lock timeout at most, where the set_config() calls
-- used before waited for it unbounded, their own timeouts not yet set. SET takes no bound
-- parameters: psycopg quotes the values into the text (auditor/catalog/pipeline.py,
-- send_settings). A fixed search_path makes format_type() spell types the same whatever the
-- role's settings: types of schema public unqualified, those of other schemas qualified
-- (auth.factor_type).
begin read only;
set local lock_timeout = %(lock_timeout)s;
set local statement_timeout = %(statement_timeout)s;
set local idle_in_transaction_session_timeout = %(idle_timeout)s;
set local search_path = pg_catalog, public
