-- What the connecting role can see of Supabase's storage schema, in one round trip.
-- Looked up in pg_catalog (readable by every role) so that a missing schema or a missing
-- privilege is a fact to report, not an error that aborts the audit.
select
    b.oid is not null as buckets_exist,
    coalesce(has_schema_privilege(ns.oid, 'USAGE') and has_table_privilege(b.oid, 'SELECT'), false)
        as buckets_readable,
    o.oid is not null as objects_exist,
    coalesce(has_schema_privilege(ns.oid, 'USAGE') and has_table_privilege(o.oid, 'SELECT'), false)
        as objects_readable
from (select 1) as one
left join pg_namespace ns on ns.nspname = 'storage'
left join pg_class b on b.relnamespace = ns.oid and b.relname = 'buckets' and b.relkind in ('r', 'p')
left join pg_class o on o.relnamespace = ns.oid and o.relname = 'objects' and o.relkind in ('r', 'p')
