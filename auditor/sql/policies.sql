-- Row level security policies of the audited schemas' tables and of storage.objects, in one round
-- trip, as pg_policies prints them: command, roles ('public' for PUBLIC), the USING and WITH CHECK
-- expressions, permissive or restrictive, and whether their table has row level security on.
-- pg_policies and pg_class are readable by every role.
select
    p.schemaname::text as schema,
    p.tablename::text as table_name,
    p.policyname::text as name,
    lower(p.cmd) as command,
    p.roles::text[] as roles,
    p.qual as using_expression,
    p.with_check as check_expression,
    p.permissive = 'RESTRICTIVE' as restrictive,
    c.relrowsecurity as rls_enabled
from pg_policies p
join pg_namespace n on n.nspname = p.schemaname
join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
where p.schemaname = any(%(schemas)s)
   or (p.schemaname = 'storage' and p.tablename = 'objects')
order by p.schemaname, p.tablename, p.policyname
