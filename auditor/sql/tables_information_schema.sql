-- The same result as tables_pg_catalog.sql, with the columns read through information_schema:
-- one row per table, its columns as arrays in ordinal order, and its security read from
-- pg_catalog. Kept for comparison and for servers where it is preferred (--catalog
-- information_schema). Caveats: about 10x slower on large catalogs, and information_schema
-- hides the tables (and columns) the role has no privilege on: the tables are listed from
-- pg_class, which every role reads, and `columns_visible` says whether information_schema
-- showed the table, so that a hidden one is a check not made, never a missing table. Types
-- come from format_type so both variants spell them the same way, and partitions and
-- extension-owned tables are filtered through pg_class and pg_depend, as in the other variant.
select
    n.nspname as table_schema,
    c.relname as table_name,
    c.relkind = 'p' as partitioned,
    parent.relname as partition_of,
    array_agg(col.column_name::text order by col.ordinal_position)
        filter (where col.column_name is not null) as column_names,
    array_agg(format_type(a.atttypid, a.atttypmod) order by col.ordinal_position)
        filter (where col.column_name is not null) as column_types,
    array_agg(col.is_nullable = 'YES' order by col.ordinal_position)
        filter (where col.column_name is not null) as column_nullable,
    c.relrowsecurity as rls_enabled,
    c.relforcerowsecurity as rls_forced,
    (select count(*) from pg_policy p where p.polrelid = c.oid) as policies,
    has_schema_privilege(anon.oid, n.oid, 'USAGE')
        and (
            has_table_privilege(anon.oid, c.oid, 'SELECT')
            or (column_acls.found and has_any_column_privilege(anon.oid, c.oid, 'SELECT'))
        ) as anon_can_read,
    has_schema_privilege(authn.oid, n.oid, 'USAGE')
        and (
            has_table_privilege(authn.oid, c.oid, 'SELECT')
            or (column_acls.found and has_any_column_privilege(authn.oid, c.oid, 'SELECT'))
        ) as authenticated_can_read,
    exists (
        select from information_schema.tables t
        where t.table_schema = n.nspname and t.table_name = c.relname and t.table_type = 'BASE TABLE'
    ) as columns_visible
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join lateral (  -- a partition's parent (a partition is only read when it leaks, below)
    select p.relname, p.relrowsecurity from pg_inherits i join pg_class p on p.oid = i.inhparent
    where c.relispartition and i.inhrelid = c.oid
) parent on true
left join pg_roles anon on anon.rolname = %(anon)s
left join pg_roles authn on authn.rolname = %(authenticated)s
cross join lateral (  -- the column question only where a column has an ACL (see tables_pg_catalog.sql)
    select exists (
        select from pg_attribute x
        where x.attrelid = c.oid and x.attnum > 0 and not x.attisdropped and x.attacl is not null
    ) as found
) column_acls
left join information_schema.columns col
    on col.table_schema = n.nspname and col.table_name = c.relname
left join pg_attribute a
    on a.attrelid = c.oid and a.attname = col.column_name and not a.attisdropped
where n.nspname = any(%(schemas)s)
  and c.relkind in ('r', 'p')
  and (not c.relispartition or (parent.relrowsecurity and not c.relrowsecurity))
  and not exists (
      select from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
  )
group by n.nspname, c.relname, c.oid, n.oid, anon.oid, authn.oid, column_acls.found, parent.relname
order by n.nspname, c.relname
