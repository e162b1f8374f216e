-- Tables of the audited schemas with their columns, one row per column, in one round trip.
-- pg_catalog shows every table whatever the role's privileges (information_schema hides
-- tables the role cannot use, which would look like "missing" drift), and is much faster.
-- Ordinary and partitioned tables only; partitions are left out (counted under their parent),
-- and so are tables an extension owns (PostGIS puts spatial_ref_sys in public).
-- A table without columns still gives one row, with a null column name.
select
    n.nspname as table_schema,
    c.relname as table_name,
    c.relkind = 'p' as partitioned,
    a.attname as column_name,
    format_type(a.atttypid, a.atttypmod) as column_type,
    not a.attnotnull as nullable
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = any(%(schemas)s)
  and c.relkind in ('r', 'p')
  and not c.relispartition
  and not exists (
      select from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
  )
order by n.nspname, c.relname, a.attnum
