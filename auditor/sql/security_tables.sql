-- Row level security of the audited schemas' tables, and whether the Data API's roles may
-- read them, one row per table, in one round trip (never one query per table).
-- Everything here is readable by any role: pg_class, pg_policy and pg_roles need no grant,
-- and the privilege functions may ask about any role.
-- A role that does not exist (plain PostgreSQL has no anon) is a null oid: the privilege
-- functions are strict, so its column is null ("not checked") instead of an error.
-- can_read: USAGE on the schema and SELECT on the table or on any of its columns.
select
    n.nspname as table_schema,
    c.relname as table_name,
    c.relrowsecurity as rls_enabled,
    c.relforcerowsecurity as rls_forced,
    (select count(*) from pg_policy p where p.polrelid = c.oid) as policies,
    has_schema_privilege(anon.oid, n.oid, 'USAGE')
        and has_any_column_privilege(anon.oid, c.oid, 'SELECT') as anon_can_read,
    has_schema_privilege(authn.oid, n.oid, 'USAGE')
        and has_any_column_privilege(authn.oid, c.oid, 'SELECT') as authenticated_can_read
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_roles anon on anon.rolname = %(anon)s
left join pg_roles authn on authn.rolname = %(authenticated)s
where n.nspname = any(%(schemas)s)
  and c.relkind in ('r', 'p')
  and not c.relispartition
order by n.nspname, c.relname
