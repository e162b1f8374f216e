-- Whether row level security filters what the connecting role sees of storage.buckets and
-- storage.objects: it applies to the role (not superuser, no BYPASSRLS, not the owner, or FORCE
-- ROW LEVEL SECURITY), so a SELECT may silently return only some rows; buckets it cannot see
-- would look missing, so such a read is not trusted. Looked up in pg_catalog, which every role
-- can read: false for a table that does not exist (its own read fails, and says so).
with me as (
    select rolsuper or rolbypassrls as bypasses_rls from pg_roles where rolname = current_user
)
select
    coalesce(
        b.relrowsecurity and not me.bypasses_rls
        and (b.relforcerowsecurity or not pg_has_role(current_user, b.relowner, 'USAGE')),
        false
    ) as buckets_row_filtered,
    coalesce(
        o.relrowsecurity and not me.bypasses_rls
        and (o.relforcerowsecurity or not pg_has_role(current_user, o.relowner, 'USAGE')),
        false
    ) as objects_row_filtered
from me
left join pg_namespace ns on ns.nspname = 'storage'
left join pg_class b on b.relnamespace = ns.oid and b.relname = 'buckets' and b.relkind in ('r', 'p')
left join pg_class o on o.relnamespace = ns.oid and o.relname = 'objects' and o.relkind in ('r', 'p')
