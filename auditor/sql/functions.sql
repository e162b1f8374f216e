-- Functions and procedures of the audited schemas, one row per overload, in one round trip: the
-- Data API serves those of the exposed schemas at /rest/v1/rpc/<name>. For each, whether it runs
-- with its owner's rights (SECURITY DEFINER) and which API roles may call it (EXECUTE on it and
-- USAGE on its schema; functions are executable by PUBLIC unless revoked). Aggregates and window
-- functions are left out (no endpoint), and so are functions an extension owns.
-- Missing roles give null, as in tables_pg_catalog.sql.
select
    n.nspname as schema,
    p.proname as name,
    pg_get_function_identity_arguments(p.oid) as arguments,
    p.prosecdef as security_definer,
    has_schema_privilege(anon.oid, n.oid, 'USAGE')
        and has_function_privilege(anon.oid, p.oid, 'EXECUTE') as anon_can_execute,
    has_schema_privilege(authn.oid, n.oid, 'USAGE')
        and has_function_privilege(authn.oid, p.oid, 'EXECUTE') as authenticated_can_execute
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
left join pg_roles anon on anon.rolname = %(anon)s
left join pg_roles authn on authn.rolname = %(authenticated)s
where n.nspname = any(%(schemas)s)
  and p.prokind in ('f', 'p')
  and not exists (
      select from pg_depend d
      where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
  )
order by n.nspname, p.proname, arguments
