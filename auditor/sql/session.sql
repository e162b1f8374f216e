-- Per-transaction session settings (the transaction itself is opened READ ONLY by the client).
-- set_config(..., true) is SET LOCAL: it ends with the transaction, which keeps it safe
-- through Supabase's transaction pooler, where the server connection is shared.
select
    set_config('statement_timeout', %(statement_timeout)s, true) as statement_timeout,
    set_config('lock_timeout', %(lock_timeout)s, true) as lock_timeout,
    set_config('idle_in_transaction_session_timeout', %(idle_timeout)s, true) as idle_timeout,
    current_user as role,
    current_setting('server_version') as server_version
