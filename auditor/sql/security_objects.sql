-- Who may list storage.objects, in one round trip: its row level security, whether the
-- Data API's roles hold SELECT on it, and its permissive policies that allow SELECT (as
-- pg_policies prints them: role names, 'public' for PUBLIC, and the USING expression).
-- No row when the database has no storage.objects table. Missing roles give null, as in
-- tables_pg_catalog.sql.
select
    c.relrowsecurity as rls_enabled,
    has_schema_privilege(anon.oid, n.oid, 'USAGE')
        and has_table_privilege(anon.oid, c.oid, 'SELECT') as anon_can_read,
    has_schema_privilege(authn.oid, n.oid, 'USAGE')
        and has_table_privilege(authn.oid, c.oid, 'SELECT') as authenticated_can_read,
    coalesce(
        (
            select jsonb_agg(
                jsonb_build_object('name', p.policyname, 'roles', to_jsonb(p.roles::text[]), 'qual', p.qual)
                order by p.policyname
            )
            from pg_policies p
            where p.schemaname = n.nspname
              and p.tablename = c.relname
              and p.permissive = 'PERMISSIVE'
              and p.cmd in ('SELECT', 'ALL')
        ),
        '[]'::jsonb
    ) as policies
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_roles anon on anon.rolname = %(anon)s
left join pg_roles authn on authn.rolname = %(authenticated)s
where n.nspname = 'storage'
  and c.relname = 'objects'
  and c.relkind in ('r', 'p')
