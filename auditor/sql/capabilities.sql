-- What the connecting role can see of Supabase's storage schema, in one round trip.
-- Looked up in pg_catalog (readable by every role) so that a missing schema or a missing
-- privilege is a fact to report, not an error that aborts the audit.
-- *_row_filtered: row level security applies to this role (not superuser, no BYPASSRLS, not
-- the owner, or FORCE ROW LEVEL SECURITY), so a SELECT may silently return only some rows;
-- buckets it cannot see would look missing, so such a read is not trusted.
with me as (
    select rolsuper or rolbypassrls as bypasses_rls from pg_roles where rolname = current_user
)
select
    b.oid is not null as buckets_exist,
    coalesce(has_schema_privilege(ns.oid, 'USAGE') and has_table_privilege(b.oid, 'SELECT'), false)
        as buckets_readable,
    coalesce(
        b.relrowsecurity and not me.bypasses_rls
        and (b.relforcerowsecurity or not pg_has_role(current_user, b.relowner, 'USAGE')),
        false
    ) as buckets_row_filtered,
    o.oid is not null as objects_exist,
    coalesce(has_schema_privilege(ns.oid, 'USAGE') and has_table_privilege(o.oid, 'SELECT'), false)
        as objects_readable,
    coalesce(
        o.relrowsecurity and not me.bypasses_rls
        and (o.relforcerowsecurity or not pg_has_role(current_user, o.relowner, 'USAGE')),
        false
    ) as objects_row_filtered
from me
left join pg_namespace ns on ns.nspname = 'storage'
left join pg_class b on b.relnamespace = ns.oid and b.relname = 'buckets' and b.relkind in ('r', 'p')
left join pg_class o on o.relnamespace = ns.oid and o.relname = 'objects' and o.relkind in ('r', 'p')
