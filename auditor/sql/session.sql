-- Per-transaction session settings (the transaction itself is opened READ ONLY by the client).
-- set_config(..., true) is SET LOCAL: it ends with the transaction, which keeps it safe
-- through Supabase's transaction pooler, where the server connection is shared.
-- A fixed search_path makes format_type() spell types the same whatever the role's settings:
-- types of schema public unqualified, those of other schemas qualified (auth.factor_type).
select
    set_config('search_path', 'pg_catalog, public', true) as search_path,
    set_config('statement_timeout', %(statement_timeout)s, true) as statement_timeout,
    set_config('lock_timeout', %(lock_timeout)s, true) as lock_timeout,
    set_config('idle_in_transaction_session_timeout', %(idle_timeout)s, true) as idle_timeout,
    current_user as role,
    current_setting('server_version') as server_version
