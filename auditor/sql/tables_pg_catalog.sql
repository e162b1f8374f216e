-- Tables of the audited schemas, one row per table with its columns as arrays in attnum order
-- (names, types, nullability) and its security (row level security, policies, whether the Data
-- API's roles may read it), in one round trip: psycopg parses the arrays in C, so 10,000
-- tables of 20 columns cost 10,000 rows to fetch instead of 200,000.
-- pg_catalog shows every table whatever the role's privileges (information_schema hides
-- tables the role cannot use, which would look like "missing" drift), and is much faster.
-- Ordinary and partitioned tables only; partitions are left out (counted under their parent),
-- and so are tables an extension owns (PostGIS puts spatial_ref_sys in public). A partition is
-- read only when its row level security is off while its parent's is on: the Data API serves it
-- as a table of its own, so its rows are readable past the parent's policies (a security check
-- of its own; it is never inventoried).
-- A table without columns gives null arrays. The aggregates read a subquery sorted by attnum
-- (an index scan, no sort), the form PostgreSQL's manual gives for ordered input when nothing
-- else happens at the aggregate's level; an ORDER BY in each of the three aggregates costs
-- three sorts per table: half as much time again at 10,000 tables.
-- Security: pg_class, pg_policy and pg_roles need no grant, and the privilege functions may ask
-- about any role. A role that does not exist (plain PostgreSQL has no anon) is a null oid: the
-- privilege functions are strict, so its column is null ("not checked") instead of an error.
-- can_read: USAGE on the schema and SELECT on the table or on any of its columns. The column
-- question (has_any_column_privilege: one ACL lookup per column) is asked only of tables with a
-- column ACL, which the column subquery sees anyway: without column grants the answer is the
-- table's. On a database without Supabase's default grants (no table privilege to answer first)
-- asking every table nearly doubled the query's cost: 10,000 tables, server CPU 389 ms before,
-- 222 ms now (with Supabase's grants 208 and 214 ms).
select
    n.nspname as table_schema,
    c.relname as table_name,
    c.relkind = 'p' as partitioned,
    parent.relname as partition_of,
    cols.names as column_names,
    cols.types as column_types,
    cols.nullable as column_nullable,
    c.relrowsecurity as rls_enabled,
    c.relforcerowsecurity as rls_forced,
    (select count(*) from pg_policy p where p.polrelid = c.oid) as policies,
    has_schema_privilege(anon.oid, n.oid, 'USAGE')
        and (
            has_table_privilege(anon.oid, c.oid, 'SELECT')
            or (cols.column_acls and has_any_column_privilege(anon.oid, c.oid, 'SELECT'))
        ) as anon_can_read,
    has_schema_privilege(authn.oid, n.oid, 'USAGE')
        and (
            has_table_privilege(authn.oid, c.oid, 'SELECT')
            or (cols.column_acls and has_any_column_privilege(authn.oid, c.oid, 'SELECT'))
        ) as authenticated_can_read,
    true as columns_visible  -- pg_catalog shows every table's columns to every role
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join lateral (  -- a partition's parent (a partition is only read when it leaks, below)
    select p.relname, p.relrowsecurity from pg_inherits i join pg_class p on p.oid = i.inhparent
    where c.relispartition and i.inhrelid = c.oid
) parent on true
left join pg_roles anon on anon.rolname = %(anon)s
left join pg_roles authn on authn.rolname = %(authenticated)s
cross join lateral (
    select
        array_agg(a.attname::text) as names,
        array_agg(format_type(a.atttypid, a.atttypmod)) as types,
        array_agg(not a.attnotnull) as nullable,
        coalesce(bool_or(a.attacl is not null), false) as column_acls
    from (
        select a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attacl
        from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        order by a.attnum
    ) a
) cols
where n.nspname = any(%(schemas)s)
  and c.relkind in ('r', 'p')
  and (not c.relispartition or (parent.relrowsecurity and not c.relrowsecurity))
  and not exists (
      select from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
  )
order by n.nspname, c.relname
