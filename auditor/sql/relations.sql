-- Views, materialized views and foreign tables of the audited schemas, one row each, in one round
-- trip, with what decides whether they leak rows through the Data API: which API roles may read
-- them, whether a view runs with its caller's rights (security_invoker, PostgreSQL 15 and later;
-- otherwise it runs with its owner's and bypasses the row level security of what it reads), the
-- tables with row level security it reads directly, and whether it reads auth.users.
-- Relations an extension owns are left out, as in tables_pg_catalog.sql. A role that does not
-- exist is a null oid, and its column null ("not checked"). auth.users is looked up by name, never
-- through a regclass cast, which would need USAGE on schema auth.
-- The relations are found from their own small catalogs (a view's or materialized view's _RETURN
-- rule in pg_rewrite, pg_foreign_table) and looked up in pg_class by oid: pg_class has no index
-- on relkind, and scanning it again for the few relations there are cost as much as the tables
-- query's own scan (30,000 tables: 375 ms for no row).
with candidates as (
    select r.ev_class as oid from pg_rewrite r where r.rulename = '_RETURN'
    union all
    select f.ftrelid from pg_foreign_table f
),
auth_users as (
    select c.oid, c.relrowsecurity
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'auth' and c.relname = 'users'
)
select
    n.nspname as schema,
    c.relname as name,
    case c.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'foreign table' end as kind,
    has_schema_privilege(anon.oid, n.oid, 'USAGE')
        and has_table_privilege(anon.oid, c.oid, 'SELECT') as anon_can_read,
    has_schema_privilege(authn.oid, n.oid, 'USAGE')
        and has_table_privilege(authn.oid, c.oid, 'SELECT') as authenticated_can_read,
    coalesce(
        lower(array_to_string(c.reloptions, ',')) ~ '(^|,)security_invoker=(1|true|yes|on)(,|$)', false
    ) as security_invoker,
    array(
        select distinct quote_ident(tn.nspname) || '.' || quote_ident(t.relname)
        from pg_rewrite r
        join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
            and d.refclassid = 'pg_class'::regclass
        join pg_class t on t.oid = d.refobjid
        join pg_namespace tn on tn.oid = t.relnamespace
        where r.ev_class = c.oid and t.oid <> c.oid and t.relkind in ('r', 'p') and t.relrowsecurity
        order by 1
    ) as rls_tables,
    exists (
        select from pg_rewrite r
        join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
            and d.refclassid = 'pg_class'::regclass
        where r.ev_class = c.oid and d.refobjid = (select oid from auth_users)
    ) as reads_auth_users,
    coalesce((select relrowsecurity from auth_users), true) as auth_users_rls
from candidates
join pg_class c on c.oid = candidates.oid
join pg_namespace n on n.oid = c.relnamespace
left join pg_roles anon on anon.rolname = %(anon)s
left join pg_roles authn on authn.rolname = %(authenticated)s
where n.nspname = any(%(schemas)s)
  and c.relkind in ('v', 'm', 'f')
  and not exists (
      select from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
  )
order by n.nspname, c.relname
