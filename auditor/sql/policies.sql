-- Row level security policies of the audited schemas' tables and of storage.objects, in one round
-- trip: command, roles ('public' for PUBLIC), permissive or restrictive, whether their table has
-- row level security on, whether they have a USING and a WITH CHECK expression, and the text of
-- those expressions as PostgreSQL prints them (pg_get_expr, as pg_policies shows them).
-- Printing an expression that names columns builds its table's relation cache entry: at 10,000
-- policies that is most of the read (311 ms of server CPU against 86 ms). So an expression that
-- names no column (true, 1 = 1, auth.role() = 'authenticated': what the always-true check looks
-- for) is always printed, with no table needed; one that names columns only when
-- %(expressions)s is true (the inventory declares expressions, or snapshot writes them).
-- pg_policy, pg_class and pg_roles are readable by every role.
select
    n.nspname::text as schema,
    c.relname::text as table_name,
    p.polname::text as name,
    case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete'
        else 'all' end as command,
    case when p.polroles = '{0}'::oid[] then array['public']
        else array(select r.rolname::text from pg_roles r where r.oid = any(p.polroles) order by 1) end as roles,
    p.polqual is not null as has_using,
    case when p.polqual::text !~ ':varno ' then pg_get_expr(p.polqual, 0)
        when %(expressions)s then pg_get_expr(p.polqual, p.polrelid) end as using_expression,
    p.polwithcheck is not null as has_check,
    case when p.polwithcheck::text !~ ':varno ' then pg_get_expr(p.polwithcheck, 0)
        when %(expressions)s then pg_get_expr(p.polwithcheck, p.polrelid) end as check_expression,
    not p.polpermissive as restrictive,
    c.relrowsecurity as rls_enabled
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s)
   or (n.nspname = 'storage' and c.relname = 'objects')
order by n.nspname, c.relname, p.polname
